package dev.rcx.spawn;

import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one platform thread, {@code rcx-exec-io}, that reads every native child's pipes and reaps
 * every native child.
 *
 * <p>Design: an epoll set holds, per child, the read ends of its stdout and stderr pipes and a
 * pidfd that becomes readable when the child exits, plus an eventfd used to hand the loop work from
 * other threads. Launching threads register descriptors (handler first, then {@code epoll_ctl});
 * only the loop reads, closes and reaps. Each registration carries a unique token, not the
 * descriptor number, as its epoll data: a descriptor closed while handling one event of a batch may
 * be reused by a new registration before the batch's later events are handled, and those stale
 * events must find nothing rather than the newcomer. Before reaping an exited child the loop sends
 * SIGKILL to its process group: the zombie still pins the group's id, so the signal can only reach
 * what the command left running. Per command this costs no thread at all, which on a 2-core machine
 * is most of the difference to the JDK's two reader threads per process.
 *
 * <p>Callbacks of {@link NativeChild#exited()} and {@link NativeChild#drained()} run on this thread
 * and must not block.
 */
final class IoLoop {
  private static final Logger LOG = LoggerFactory.getLogger(IoLoop.class);
  private static final int MAX_EVENTS = 64;
  private static final int BUFFER = 64 * 1024;
  private static final int DRAIN_NOW_READS = 16;

  /** What a registered descriptor stands for. */
  sealed interface Watched permits Pipe, NativeChild, Wake {}

  /** The read end of one output pipe of a child. Its state is touched only by the loop thread. */
  static final class Pipe implements Watched {
    final int fd;
    final long token;
    final OutputCapture capture;
    final NativeChild child;
    boolean open = true;

    Pipe(int fd, long token, OutputCapture capture, NativeChild child) {
      this.fd = fd;
      this.token = token;
      this.capture = capture;
      this.child = child;
    }
  }

  /** A descriptor in the epoll set and what it stands for. */
  private record Registration(int fd, Watched watched) {}

  /** The eventfd other threads write to after queueing a task. */
  record Wake() implements Watched {}

  private final Libc c;
  private final Ffi ffi;
  private final int epoll;
  private final int wakeFd;
  private final long events;
  private final long buffer;
  private final long errno;
  private final long status;
  private final long one;
  private final byte[] scratch = new byte[BUFFER];
  private final Map<Long, Registration> handlers = new ConcurrentHashMap<>();
  private final AtomicLong tokens = new AtomicLong();
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  private IoLoop(Libc c, int epoll, int wakeFd) {
    this.c = c;
    this.ffi = c.ffi;
    this.epoll = epoll;
    this.wakeFd = wakeFd;
    this.events = ffi.calloc((long) MAX_EVENTS * c.epollEventSize);
    this.buffer = ffi.calloc(BUFFER);
    this.errno = ffi.calloc(16);
    this.status = ffi.calloc(Libc.SIGINFO_SIZE);
    this.one = ffi.calloc(8);
    ffi.setLong(one, 1);
  }

  /**
   * Creates the epoll set and starts the thread.
   *
   * @throws UnsupportedOperationException if the kernel lacks pidfds (Linux before 5.3) or epoll
   *     cannot be set up
   */
  static IoLoop start(Libc c) {
    long errno = c.ffi.calloc(16);
    try {
      int probe = (int) c.pidfdOpen.invokeExact(errno, (int) ProcessHandle.current().pid(), 0);
      if (probe < 0) {
        throw new UnsupportedOperationException(
            "pidfd_open is not available: " + c.describe(c.ffi.errno(errno)));
      }
      c.closeQuietly(probe);
      int epoll = (int) c.epollCreate1.invokeExact(errno, Libc.O_CLOEXEC);
      if (epoll < 0) {
        throw new UnsupportedOperationException(
            "epoll_create1 failed: " + c.describe(c.ffi.errno(errno)));
      }
      int wake = (int) c.eventfd.invokeExact(errno, 0, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
      if (wake < 0) {
        throw new UnsupportedOperationException(
            "eventfd failed: " + c.describe(c.ffi.errno(errno)));
      }
      IoLoop loop = new IoLoop(c, epoll, wake);
      loop.watch(loop.tokens.incrementAndGet(), wake, new Wake(), errno, loop.events);
      Thread.ofPlatform().daemon().name("rcx-exec-io").start(loop::run);
      return loop;
    } catch (IOException e) {
      throw new UnsupportedOperationException(e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    } finally {
      c.ffi.free(errno);
    }
  }

  /**
   * Takes over a freshly spawned child: its pipes' read ends and its exit. On failure the child is
   * killed and reaped and the descriptors are closed before the exception is thrown.
   *
   * @param errnoBuffer and {@code eventBuffer}: the caller's scratch memory for this call
   */
  NativeChild register(
      int pid, int stdoutFd, int stderrFd, int cap, long errnoBuffer, long eventBuffer)
      throws IOException {
    long stdoutToken = tokens.incrementAndGet();
    long stderrToken = tokens.incrementAndGet();
    long pidToken = tokens.incrementAndGet();
    NativeChild child =
        new NativeChild(this, c, pid, pidToken, stdoutFd, stdoutToken, stderrFd, stderrToken, cap);
    Pipe out = child.stdoutPipe();
    Pipe err = child.stderrPipe();
    int pidfd = -1;
    try {
      nonBlocking(stdoutFd, errnoBuffer);
      nonBlocking(stderrFd, errnoBuffer);
      pidfd = pidfdOpen(pid, errnoBuffer);
      watch(out.token, stdoutFd, out, errnoBuffer, eventBuffer);
      watch(err.token, stderrFd, err, errnoBuffer, eventBuffer);
      watch(pidToken, pidfd, child, errnoBuffer, eventBuffer);
      return child;
    } catch (IOException | RuntimeException e) {
      abort(
          pid, new long[] {out.token, err.token, pidToken}, new int[] {stdoutFd, stderrFd, pidfd});
      throw e;
    }
  }

  /** Runs {@code task} on the loop thread soon. */
  void execute(Runnable task) {
    tasks.add(task);
    try {
      long ignored = (long) c.write.invokeExact(wakeFd, one, 8L);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  /** Loop thread only: stops reading {@code pipe} and releases its descriptor. */
  void closePipe(Pipe pipe) {
    if (!pipe.open) {
      return;
    }
    pipe.open = false;
    release(pipe.token);
    pipe.child.pipeClosed();
  }

  private void run() {
    while (true) {
      try {
        waitAndDispatch();
      } catch (Throwable t) { // if this thread died, every running command would hang: keep serving
        LOG.error("the exec I/O loop failed; continuing", t);
      }
    }
  }

  private void waitAndDispatch() {
    int ready;
    try {
      ready = (int) c.epollWait.invokeExact(errno, epoll, events, MAX_EVENTS, -1);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (ready < 0) {
      waitFailed(ffi.errno(errno));
      return;
    }
    for (int i = 0; i < ready; i++) {
      long token = ffi.getLong(events + (long) i * c.epollEventSize + c.epollDataOffset);
      try {
        dispatch(token);
      } catch (RuntimeException e) {
        LOG.error("handling registration {} failed; continuing", token, e);
      }
    }
  }

  private void dispatch(long token) {
    Registration registration = handlers.get(token);
    if (registration == null) {
      return; // released while handling an earlier event of this batch
    }
    switch (registration.watched()) {
      case Pipe pipe -> drain(pipe);
      case NativeChild child -> reap(child);
      case Wake wake -> runTasks();
    }
  }

  /** Reads what one read(2) returns; true if that was data, so more may follow. */
  private boolean drain(Pipe pipe) {
    if (!pipe.open) {
      return false;
    }
    long n;
    try {
      n = (long) c.read.invokeExact(errno, pipe.fd, buffer, (long) BUFFER);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (n > 0) {
      int keep = (int) Math.min(n, Math.max(0, pipe.capture.room()));
      if (keep > 0) {
        ffi.copy(buffer, scratch, 0, keep);
      }
      pipe.capture.append(scratch, keep, (int) n);
      return true;
    }
    if (n < 0) {
      int e = ffi.errno(errno);
      if (e == Libc.EAGAIN || e == Libc.EINTR) {
        return false;
      }
      LOG.warn("reading the output of pid {} failed: {}", pipe.child.pid(), c.describe(e));
    }
    closePipe(pipe);
    return false;
  }

  /**
   * Reads until the pipe is empty or closed, but at most {@link #DRAIN_NOW_READS} times: a process
   * the command left behind may still be writing, and the loop must not spin on it.
   */
  private void drainNow(Pipe pipe) {
    for (int i = 0; i < DRAIN_NOW_READS && drain(pipe); i++) {
      // keep reading
    }
  }

  private void reap(NativeChild child) {
    int code;
    try {
      code = child.reap(errno, status);
    } catch (RuntimeException e) {
      release(child.pidToken());
      child.exited().completeExceptionally(e);
      return;
    }
    if (code == NativeChild.STILL_RUNNING) {
      return;
    }
    release(child.pidToken());
    // The child is gone, so unless something it started holds the pipes they end right here:
    // reading them now lets
    // the exit callback find the output complete instead of arming a drain timer for every command.
    drainNow(child.stdoutPipe());
    drainNow(child.stderrPipe());
    child.exited().complete(code);
  }

  private void runTasks() {
    try {
      long ignored = (long) c.read.invokeExact(errno, wakeFd, buffer, 8L);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("an exec I/O task failed; continuing", e);
      }
    }
  }

  private void waitFailed(int e) {
    if (e == Libc.EINTR) {
      return;
    }
    LOG.error("epoll_wait failed: {}; retrying in 100 ms", c.describe(e));
    try {
      Thread.sleep(100);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void watch(long token, int fd, Watched watched, long errnoBuffer, long event)
      throws IOException {
    handlers.put(token, new Registration(fd, watched));
    ffi.setInt(event, Libc.EPOLLIN);
    ffi.setLong(event + c.epollDataOffset, token);
    int rc;
    try {
      rc = (int) c.epollCtl.invokeExact(errnoBuffer, epoll, Libc.EPOLL_CTL_ADD, fd, event);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (rc != 0) {
      handlers.remove(token);
      throw c.failure("epoll_ctl(ADD)", ffi.errno(errnoBuffer));
    }
  }

  /**
   * Forgets {@code fd}, takes it out of the epoll set and closes it. The explicit removal matters:
   * epoll drops a descriptor on close only if no other process shares it, and a concurrently
   * forking JDK launch briefly does.
   */
  private void release(long token) {
    Registration registration = handlers.remove(token);
    if (registration == null) {
      return;
    }
    int fd = registration.fd();
    try {
      int ignored = (int) c.epollCtl.invokeExact(errno, epoll, Libc.EPOLL_CTL_DEL, fd, 0L);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    c.closeQuietly(fd);
  }

  private void nonBlocking(int fd, long errnoBuffer) throws IOException {
    int rc;
    try {
      rc = (int) c.fcntl.invokeExact(errnoBuffer, fd, Libc.F_SETFL, Libc.O_NONBLOCK);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (rc != 0) {
      throw c.failure("fcntl(O_NONBLOCK)", ffi.errno(errnoBuffer));
    }
  }

  private int pidfdOpen(int pid, long errnoBuffer) throws IOException {
    int fd;
    try {
      fd = (int) c.pidfdOpen.invokeExact(errnoBuffer, pid, 0);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (fd < 0) {
      throw c.failure("pidfd_open", ffi.errno(errnoBuffer));
    }
    return fd;
  }

  /** Undoes a failed registration: nothing may stay running or registered. */
  private void abort(int pid, long[] registrations, int[] fds) {
    c.signal(-pid, Libc.SIGKILL);
    c.signal(pid, Libc.SIGKILL);
    long local = ffi.calloc(16);
    try {
      int ignored = (int) c.waitpid.invokeExact(local, pid, local + 8, 0);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    } finally {
      ffi.free(local);
    }
    for (int i = 0; i < fds.length; i++) {
      long token = registrations[i];
      if (handlers.containsKey(token)) {
        execute(() -> release(token)); // registered: the loop may be reading it right now
      } else if (fds[i] >= 0) {
        c.closeQuietly(fds[i]);
      }
    }
  }
}
