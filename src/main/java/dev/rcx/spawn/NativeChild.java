package dev.rcx.spawn;

import java.util.concurrent.CompletableFuture;

/**
 * A process started by {@link NativeLauncher}, read and reaped by {@link IoLoop}.
 *
 * <p>The process is the leader of its own session and process group. Killing and reaping are
 * serialised on this object so that no signal is sent by pid after the pid has been reaped (and so
 * may belong to someone else).
 */
final class NativeChild implements Child, IoLoop.Watched {
  static final int STILL_RUNNING = Integer.MIN_VALUE;

  private final IoLoop loop;
  private final Libc c;
  private final int pid;
  private final long pidToken;
  private final IoLoop.Pipe stdout;
  private final IoLoop.Pipe stderr;
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private int openPipes = 2; // loop thread only
  private boolean reaped; // guarded by this

  /** Owns the read ends {@code stdoutFd} and {@code stderrFd}, each capped at {@code cap} bytes. */
  NativeChild(
      IoLoop loop,
      Libc c,
      int pid,
      long pidToken,
      int stdoutFd,
      long stdoutToken,
      int stderrFd,
      long stderrToken,
      int cap) {
    this.loop = loop;
    this.c = c;
    this.pid = pid;
    this.pidToken = pidToken;
    OutputJournal journal = new OutputJournal();
    this.stdout =
        new IoLoop.Pipe(
            stdoutFd, stdoutToken, new OutputCapture(cap, journal, OutputJournal.STDOUT), this);
    this.stderr =
        new IoLoop.Pipe(
            stderrFd, stderrToken, new OutputCapture(cap, journal, OutputJournal.STDERR), this);
  }

  @Override
  public boolean ownGroup() {
    return true;
  }

  @Override
  public long pid() {
    return pid;
  }

  /** The loop's registration of this child's pidfd. */
  long pidToken() {
    return pidToken;
  }

  IoLoop.Pipe stdoutPipe() {
    return stdout;
  }

  IoLoop.Pipe stderrPipe() {
    return stderr;
  }

  @Override
  public CompletableFuture<Integer> exited() {
    return exited;
  }

  @Override
  public CompletableFuture<Void> drained() {
    return drained;
  }

  @Override
  public synchronized void kill() {
    if (reaped) {
      return;
    }
    ProcessHandle.of(pid).ifPresent(ProcessTree::kill);
    c.signal(-pid, Libc.SIGKILL);
    c.signal(pid, Libc.SIGKILL);
  }

  @Override
  public void abandonOutput() {
    loop.execute(
        () -> {
          loop.closePipe(stdout);
          loop.closePipe(stderr);
        });
  }

  @Override
  public OutputCapture stdout() {
    return stdout.capture;
  }

  @Override
  public OutputCapture stderr() {
    return stderr.capture;
  }

  /** Loop thread: one of the pipes reached end of file or was abandoned. */
  void pipeClosed() {
    if (--openPipes == 0) {
      drained.complete(null);
    }
  }

  /**
   * Loop thread, once the pidfd is readable: if the child has exited, kills what is left of its
   * process group (the zombie leader keeps the group id from being reused until it is reaped), then
   * reaps it. The exit is checked first, without reaping, because a group kill sent on a wrong
   * belief that the command had ended would kill the command.
   *
   * @param buffer loop-owned scratch of at least {@link Libc#SIGINFO_SIZE} bytes
   * @return the exit code as {@link Child#exited()} defines it, or {@link #STILL_RUNNING}
   */
  synchronized int reap(long errnoBuffer, long buffer) {
    if (reaped) {
      return STILL_RUNNING;
    }
    switch (c.probe(pid, errnoBuffer, buffer)) {
      case RUNNING -> {
        return STILL_RUNNING;
      }
      case NOT_A_CHILD -> {
        // Someone else reaped it, so its pid (and group id) may already belong to another process:
        // signal nothing.
        reaped = true;
        throw new IllegalStateException(
            "waitid(" + pid + ") failed: " + c.describe(c.ffi.errno(errnoBuffer)));
      }
      case EXITED -> c.signal(-pid, Libc.SIGKILL);
    }
    int rc;
    try {
      rc = (int) c.waitpid.invokeExact(errnoBuffer, pid, buffer, Libc.WNOHANG);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (rc == 0) {
      return STILL_RUNNING;
    }
    reaped = true;
    if (rc < 0) {
      throw new IllegalStateException(
          "waitpid(" + pid + ") failed: " + c.describe(c.ffi.errno(errnoBuffer)));
    }
    int status = c.ffi.getInt(buffer);
    int signal = status & 0x7f;
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
  }
}
