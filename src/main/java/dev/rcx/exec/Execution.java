package dev.rcx.exec;

import dev.rcx.exec.ExecResult.Cancelled;
import dev.rcx.exec.ExecResult.Completed;
import dev.rcx.exec.ExecResult.Output;
import dev.rcx.exec.ExecResult.TimedOut;
import dev.rcx.spawn.Child;
import dev.rcx.spawn.OutputCapture;
import dev.rcx.spawn.OutputJournal;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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

  /** What only a launched execution has; null for one that ended before it started. */
  private final @Nullable Launch launch;

  private final long startNanos;
  private final @Nullable Long startTime;
  private final Runnable onDone;
  private volatile @Nullable ScheduledFuture<?> deadline;

  // The one streaming consumer's position (nextChunk): the run it is taking and what it took.
  private final long[] taken = new long[2];
  private int runStream;
  private long runLeft;

  /** Whether a consumer streams the output, so the result need not carry it again. */
  private volatile boolean streaming;

  /** The process, its rule and the timer thread that watches it. */
  private record Launch(Child child, CommandRule rule, ScheduledExecutorService timers) {}

  private Execution(
      @Nullable Launch launch, long startNanos, @Nullable Long startTime, Runnable onDone) {
    this.launch = launch;
    this.startNanos = startNanos;
    this.startTime = startTime;
    this.onDone = onDone;
  }

  /** An execution that ended before it started (busy, launch failure). */
  static Execution finished(ExecResult outcome) {
    Execution execution = new Execution(null, 0, null, () -> {});
    execution.state.set(State.COMPLETED);
    execution.result.complete(outcome);
    return execution;
  }

  /** Starts watching {@code child}; {@code onDone} runs once, before the result is published. */
  static Execution launched(
      Child child,
      CommandRule rule,
      long startNanos,
      @Nullable Long startTime,
      Runnable onDone,
      ScheduledExecutorService timers) {
    Launch launch = new Launch(child, rule, timers);
    Execution execution = new Execution(launch, startNanos, startTime, onDone);
    execution.deadline =
        timers.schedule(
            () -> execution.onDeadline(launch), rule.timeout().toNanos(), TimeUnit.NANOSECONDS);
    // onExit handles a failed exit itself; the returned stage adds nothing.
    Future<?> unused =
        child
            .exited()
            .whenComplete((exitCode, failure) -> execution.onExit(launch, exitCode, failure));
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
    Launch l = launch;
    if (l != null && state.compareAndSet(State.RUNNING, State.CANCELLED)) {
      killTree(l);
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
    Launch l = launch;
    if (l == null) {
      return null;
    }
    Child child = l.child();
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
    Launch l = launch;
    return l == null ? OptionalLong.empty() : OptionalLong.of(l.child().pid());
  }

  /**
   * The process group the command leads (its pid), if the launcher gave it one of its own; a kill
   * of that group reaches everything the command started that did not leave the group.
   */
  public OptionalLong processGroup() {
    Launch l = launch;
    return l != null && l.child().ownGroup()
        ? OptionalLong.of(l.child().pid())
        : OptionalLong.empty();
  }

  /**
   * The process's start time in clock ticks since boot (/proc/PID/stat field 22), read right after
   * the launch; empty without /proc or if no process was started. With the pid it names this
   * process and no later one that reuses the pid.
   */
  public OptionalLong startTime() {
    return startTime == null ? OptionalLong.empty() : OptionalLong.of(startTime);
  }

  private void onDeadline(Launch l) {
    if (state.compareAndSet(State.RUNNING, State.TIMED_OUT)) {
      killTree(l);
    }
  }

  private void killTree(Launch l) {
    l.child().kill();
    Future<?> unused =
        l.timers().schedule(() -> killAgainIfAlive(l), KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void killAgainIfAlive(Launch l) {
    if (!l.child().exited().isDone()) {
      LOG.warn(
          "pid {} ({}) still alive {} after SIGKILL; killing again",
          l.child().pid(),
          l.rule().name(),
          KILL_WAIT);
      killTree(l);
    }
  }

  /**
   * On the launcher's thread: must not block. Exactly one of {@code exitCode} and {@code failure}
   * is null.
   */
  private void onExit(Launch l, @Nullable Integer exitCode, @Nullable Throwable failure) {
    ScheduledFuture<?> d = deadline;
    if (d != null) { // set right after scheduling, before the exit can be observed
      d.cancel(/* mayInterruptIfRunning= */ false);
    }
    Child child = l.child();
    if (failure != null || exitCode == null) {
      if (failure == null) {
        failure = new IllegalStateException("process exited without an exit code");
      }
      LOG.error("watching pid {} ({}) failed; killing it", child.pid(), l.rule().name(), failure);
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
    int code = exitCode;
    if (drained.isDone()) {
      publish(child, code, duration);
      return;
    }
    ScheduledFuture<?> grace =
        l.timers().schedule(() -> abandonOutput(l), DRAIN_GRACE.toNanos(), TimeUnit.NANOSECONDS);
    Future<?> unused =
        drained.whenComplete(
            (ignored, error) -> {
              grace.cancel(/* mayInterruptIfRunning= */ false);
              publish(child, code, duration);
            });
  }

  private void abandonOutput(Launch l) {
    LOG.warn(
        "output pipes of pid {} ({}) still open {} after it exited; something it started holds them",
        l.child().pid(),
        l.rule().name(),
        DRAIN_GRACE);
    l.child().abandonOutput();
  }

  private void publish(Child child, int exitCode, Duration duration) {
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
        switch (Objects.requireNonNull(state.get())) {
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
