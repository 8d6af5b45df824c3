package dev.rcx.exec;

import dev.rcx.exec.ExecResult.Cancelled;
import dev.rcx.exec.ExecResult.Completed;
import dev.rcx.exec.ExecResult.Output;
import dev.rcx.exec.ExecResult.TimedOut;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command started by {@link CommandExecutor#start}: wait for it with {@link #await()}, stop it with
 * {@link #cancel()}.
 *
 * <p>Threads: each running execution has three named virtual threads, {@code rcx-exec-PID-stdout} and
 * {@code rcx-exec-PID-stderr} drain the pipes, and {@code rcx-exec-PID-watch} waits for exit or the timeout, kills the
 * tree on timeout, assembles the result and frees the executor slot. Which of exit, timeout and cancel came first is
 * decided by one compare-and-set on {@link State}, so exactly one outcome wins.
 */
public final class Execution {
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  /** How long the readers get to reach end-of-stream after the process exits before their streams are closed. */
  static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

  /** How long a killed process gets to disappear before it is killed again. */
  static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private enum State { RUNNING, COMPLETED, TIMED_OUT, CANCELLED }

  private final CompletableFuture<ExecResult> result = new CompletableFuture<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
  private final Process process;
  private final CommandRule rule;
  private final long startNanos;
  private final Runnable onDone;
  private CappedReader stdout;
  private CappedReader stderr;
  private Thread stdoutThread;
  private Thread stderrThread;

  private Execution(Process process, CommandRule rule, long startNanos, Runnable onDone) {
    this.process = process;
    this.rule = rule;
    this.startNanos = startNanos;
    this.onDone = onDone;
  }

  /** An execution that ended before it started (busy, launch failure). */
  static Execution finished(ExecResult outcome) {
    Execution execution = new Execution(null, null, 0, () -> {});
    execution.state.set(State.COMPLETED);
    execution.result.complete(outcome);
    return execution;
  }

  /** Starts draining and watching {@code process}; {@code onDone} runs once, before the result is published. */
  static Execution launched(Process process, CommandRule rule, long startNanos, Runnable onDone) {
    Execution execution = new Execution(process, rule, startNanos, onDone);
    execution.begin();
    return execution;
  }

  private void begin() {
    String prefix = "rcx-exec-" + process.pid();
    stdout = new CappedReader(process.getInputStream(), rule.maxOutputBytes());
    stderr = new CappedReader(process.getErrorStream(), rule.maxOutputBytes());
    stdoutThread = Thread.ofVirtual().name(prefix + "-stdout").start(stdout);
    stderrThread = Thread.ofVirtual().name(prefix + "-stderr").start(stderr);
    Thread.ofVirtual().name(prefix + "-watch").start(this::watchAndPublish);
  }

  /**
   * Blocks until the command has ended and returns how. If the calling thread is interrupted, the command is
   * cancelled, the interrupt status is kept, and the (then prompt) result is returned.
   */
  public ExecResult await() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
          cancel();
        } catch (ExecutionException e) {
          throw new IllegalStateException("watching the command failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Kills the process and all its descendants unless the command has already ended; {@link #await()} then returns
   * {@link Cancelled}. Safe to call from any thread, any number of times.
   */
  public void cancel() {
    if (process != null && state.compareAndSet(State.RUNNING, State.CANCELLED)) {
      ProcessTree.kill(process);
    }
  }

  /** Whether {@link #await()} would return without blocking. */
  public boolean isDone() {
    return result.isDone();
  }

  /** The operating-system process id, if a process was started. */
  public OptionalLong pid() {
    return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
  }

  private void watchAndPublish() {
    ExecResult outcome;
    try {
      outcome = watch();
    } catch (InterruptedException | RuntimeException e) {
      LOG.error("watching pid {} ({}) failed; killing it", process.pid(), rule.name(), e);
      ProcessTree.kill(process);
      onDone.run();
      result.completeExceptionally(e);
      return;
    }
    onDone.run();
    result.complete(outcome);
  }

  private ExecResult watch() throws InterruptedException {
    boolean exited = process.waitFor(rule.timeout().toNanos(), TimeUnit.NANOSECONDS);
    if (!exited && state.compareAndSet(State.RUNNING, State.TIMED_OUT)) {
      ProcessTree.kill(process);
    }
    if (!process.waitFor(KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
      LOG.warn("pid {} ({}) still alive {} after SIGKILL; killing again", process.pid(), rule.name(), KILL_WAIT);
      ProcessTree.kill(process);
      process.waitFor();
    }
    Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
    state.compareAndSet(State.RUNNING, State.COMPLETED);
    drain();
    Output output = new Output(stdout.text(), stderr.text(), stdout.total(), stderr.total(),
        stdout.truncated() || stderr.truncated());
    return switch (state.get()) {
      case COMPLETED -> new Completed(process.exitValue(), output, duration);
      case TIMED_OUT -> new TimedOut(output, duration);
      case CANCELLED -> new Cancelled(output, duration);
      case RUNNING -> throw new IllegalStateException("process exited but state is still RUNNING");
    };
  }

  /**
   * Lets the readers reach end-of-stream; if something still holds the pipes (a descendant that escaped the kill),
   * closes the streams so the readers stop, and returns with whatever was read.
   */
  private void drain() throws InterruptedException {
    if (joinReaders()) {
      return;
    }
    closeQuietly(process.getInputStream());
    closeQuietly(process.getErrorStream());
    if (!joinReaders()) {
      LOG.warn("output readers of pid {} ({}) still blocked after closing the streams", process.pid(), rule.name());
    }
  }

  private boolean joinReaders() throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_GRACE.toNanos();
    return stdoutThread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
        && stderrThread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
  }

  private static void closeQuietly(Closeable stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // Closing only unblocks the reader; a failure here changes nothing.
    }
  }
}
