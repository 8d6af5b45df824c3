package dev.rcx.exec;

import dev.rcx.exec.ExecResult.Cancelled;
import dev.rcx.exec.ExecResult.Completed;
import dev.rcx.exec.ExecResult.Output;
import dev.rcx.exec.ExecResult.TimedOut;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command started by {@link CommandExecutor#start}: wait for it with {@link #await()}, stop it
 * with {@link #cancel()}.
 *
 * <p>Threads: an execution owns none. The launcher's threads report the exit and the end of output
 * ({@link Child#exited()}, {@link Child#drained()}); the executor's timer thread fires the timeout,
 * the re-kill and the drain grace. Which of exit, timeout and cancel came first is decided by one
 * compare-and-set on {@link State}, so exactly one outcome wins; the result is published once the
 * process has been reaped and its output read.
 */
public final class Execution {
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  /**
   * How long the output may keep flowing after the process exits before the pipes are abandoned.
   */
  static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

  /** How long a killed process gets to disappear before it is killed again. */
  static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private enum State {
    RUNNING,
    COMPLETED,
    TIMED_OUT,
    CANCELLED
  }

  private final CompletableFuture<ExecResult> result = new CompletableFuture<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
  private final Child child;
  private final CommandRule rule;
  private final long startNanos;
  private final Long startTime;
  private final Runnable onDone;
  private final ScheduledExecutorService timers;
  private volatile ScheduledFuture<?> deadline;

  // The one streaming consumer's position (nextChunk): the run it is taking and what it took.
  private final long[] taken = new long[2];
  private int runStream;
  private long runLeft;

  /** Whether a consumer streams the output, so the result need not carry it again. */
  private volatile boolean streaming;

  private Execution(
      Child child,
      CommandRule rule,
      long startNanos,
      Long startTime,
      Runnable onDone,
      ScheduledExecutorService timers) {
    this.child = child;
    this.rule = rule;
    this.startNanos = startNanos;
    this.startTime = startTime;
    this.onDone = onDone;
    this.timers = timers;
  }

  /** An execution that ended before it started (busy, launch failure). */
  static Execution finished(ExecResult outcome) {
    Execution execution = new Execution(null, null, 0, null, () -> {}, null);
    execution.state.set(State.COMPLETED);
    execution.result.complete(outcome);
    return execution;
  }

  /** Starts watching {@code child}; {@code onDone} runs once, before the result is published. */
  static Execution launched(
      Child child,
      CommandRule rule,
      long startNanos,
      Long startTime,
      Runnable onDone,
      ScheduledExecutorService timers) {
    Execution execution = new Execution(child, rule, startNanos, startTime, onDone, timers);
    execution.deadline =
        timers.schedule(execution::onDeadline, rule.timeout().toNanos(), TimeUnit.NANOSECONDS);
    child.exited().whenComplete(execution::onExit);
    return execution;
  }

  /**
   * Blocks until the command has ended and returns how. If the calling thread is interrupted, the
   * command is cancelled, the interrupt status is kept, and the (then prompt) result is returned.
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
   * Kills the process and all its descendants unless the command has already ended; {@link
   * #await()} then returns {@link Cancelled}. Safe to call from any thread, any number of times.
   */
  public void cancel() {
    if (child != null && state.compareAndSet(State.RUNNING, State.CANCELLED)) {
      killTree();
    }
  }

  /**
   * The next piece of output not yet taken, at most {@code maxBytes} of one stream, in the order
   * the streams produced it; waits while the command runs and has produced nothing new. Only kept
   * bytes are handed out (the cap applies as for {@link #await()}); once called, the result's
   * {@link ExecResult.Output} carries the byte counts but not the bytes again. For one consumer
   * thread. If the calling thread is interrupted, the command is cancelled and the interrupt status
   * kept.
   *
   * @return the piece, or null once the command has ended and all its kept output was taken
   */
  public @Nullable OutputChunk nextChunk(int maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1 but was " + maxBytes);
    }
    if (child == null) {
      return null;
    }
    streaming = true;
    boolean interrupted = false;
    try {
      while (runLeft == 0) {
        OutputJournal.Run run;
        try {
          run = child.stdout().journal().take(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          interrupted = true;
          cancel();
          continue;
        }
        if (run == null) {
          if (child.stdout().journal().finished()) {
            return null;
          }
          continue;
        }
        runStream = run.stream();
        runLeft = run.length();
      }
      int n = (int) Math.min(maxBytes, runLeft);
      OutputCapture capture = runStream == OutputJournal.STDOUT ? child.stdout() : child.stderr();
      byte[] bytes = capture.copy(taken[runStream], n);
      taken[runStream] += n;
      runLeft -= n;
      return new OutputChunk(runStream == OutputJournal.STDERR, bytes);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether {@link #await()} would return without blocking. */
  public boolean isDone() {
    return result.isDone();
  }

  /** The operating-system process id, if a process was started. */
  public OptionalLong pid() {
    return child == null ? OptionalLong.empty() : OptionalLong.of(child.pid());
  }

  /**
   * The process group the command leads (its pid), if the launcher gave it one of its own; a kill
   * of that group reaches everything the command started that did not leave the group.
   */
  public OptionalLong processGroup() {
    return child != null && child.ownGroup() ? OptionalLong.of(child.pid()) : OptionalLong.empty();
  }

  /**
   * The process's start time in clock ticks since boot (/proc/PID/stat field 22), read right after
   * the launch; empty without /proc or if no process was started. With the pid it names this
   * process and no later one that reuses the pid.
   */
  public OptionalLong startTime() {
    return startTime == null ? OptionalLong.empty() : OptionalLong.of(startTime);
  }

  private void onDeadline() {
    if (state.compareAndSet(State.RUNNING, State.TIMED_OUT)) {
      killTree();
    }
  }

  private void killTree() {
    child.kill();
    timers.schedule(this::killAgainIfAlive, KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void killAgainIfAlive() {
    if (!child.exited().isDone()) {
      LOG.warn(
          "pid {} ({}) still alive {} after SIGKILL; killing again",
          child.pid(),
          rule.name(),
          KILL_WAIT);
      killTree();
    }
  }

  /** On the launcher's thread: must not block. */
  private void onExit(Integer exitCode, Throwable failure) {
    deadline.cancel(/* mayInterruptIfRunning= */ false);
    if (failure != null) {
      LOG.error("watching pid {} ({}) failed; killing it", child.pid(), rule.name(), failure);
      child.kill();
      child.abandonOutput();
      child.stdout().journal().close();
      onDone.run();
      result.completeExceptionally(failure);
      return;
    }
    Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
    state.compareAndSet(State.RUNNING, State.COMPLETED);
    CompletableFuture<Void> drained = child.drained();
    if (drained.isDone()) {
      publish(exitCode, duration);
      return;
    }
    ScheduledFuture<?> grace =
        timers.schedule(this::abandonOutput, DRAIN_GRACE.toNanos(), TimeUnit.NANOSECONDS);
    drained.whenComplete(
        (ignored, error) -> {
          grace.cancel(/* mayInterruptIfRunning= */ false);
          publish(exitCode, duration);
        });
  }

  private void abandonOutput() {
    LOG.warn(
        "output pipes of pid {} ({}) still open {} after it exited; something it started holds them",
        child.pid(),
        rule.name(),
        DRAIN_GRACE);
    child.abandonOutput();
  }

  private void publish(int exitCode, Duration duration) {
    OutputCapture stdout = child.stdout();
    OutputCapture stderr = child.stderr();
    Output output =
        Output.owning(
            streaming ? new byte[0] : stdout.bytes(),
            streaming ? new byte[0] : stderr.bytes(),
            stdout.total(),
            stderr.total(),
            stdout.truncated() || stderr.truncated());
    ExecResult outcome =
        switch (state.get()) {
          case COMPLETED -> new Completed(exitCode, output, duration);
          case TIMED_OUT -> new TimedOut(output, duration);
          case CANCELLED -> new Cancelled(output, duration);
          case RUNNING ->
              throw new IllegalStateException("process exited but state is still RUNNING");
        };
    // Everything kept is in the captures now: a streaming consumer takes the rest, then sees the
    // end.
    stdout.journal().close();
    onDone.run();
    result.complete(outcome);
  }
}
