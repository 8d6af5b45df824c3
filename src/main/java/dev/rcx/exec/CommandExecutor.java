package dev.rcx.exec;

import dev.rcx.exec.ExecResult.Busy;
import dev.rcx.exec.ExecResult.Cancelled;
import dev.rcx.exec.ExecResult.LaunchFailed;
import dev.rcx.exec.ExecResult.Output;
import dev.rcx.spawn.Child;
import dev.rcx.spawn.Launcher;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs whitelisted commands as child processes, never through a shell.
 *
 * <p>Each process gets the absolute executable path and the argv from {@link Decision.Allowed}, a
 * fixed minimal environment ({@link Launcher#ENVIRONMENT}, nothing inherited), stdin from {@code
 * /dev/null} and the rule's working directory. Standard output and error are read concurrently and
 * capped at the rule's {@code max_output}; at the rule's timeout, or on {@link Execution#cancel()},
 * the whole process tree is killed.
 *
 * <p>At most {@code maxConcurrent} commands run at once, and at most {@code maxPerUser} for one
 * user; a caller waits for a slot for at most {@code queueWait} and otherwise gets {@link Busy}.
 * Waiting users are served round robin ({@link FairSlots}), so one user queueing many commands does
 * not push another user's command behind all of them. Thread-safe.
 *
 * <p>How processes are started is the launcher's business, chosen by the system property {@code
 * rcx.exec.launcher} ({@code auto}, {@code native}, {@code jdk}; see {@link #launcherName()}). The
 * native launcher calls glibc's {@code posix_spawn} directly and reads all pipes on one thread; it
 * also puts each command in its own process group and kills what is left of that group when the
 * command exits. The JDK launcher is {@link ProcessBuilder}.
 */
public final class CommandExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(CommandExecutor.class);

  private final FairSlots slots;
  private final Duration queueWait;
  private final AtomicInteger running = new AtomicInteger();
  private final Launcher launcher;
  private volatile ProcessGuard guard = ProcessGuard.NONE;

  /**
   * @param maxConcurrent how many commands may run at once, at least 1
   * @param queueWait how long {@link #start} waits for a free slot before returning {@link Busy};
   *     zero or more
   */
  public CommandExecutor(int maxConcurrent, Duration queueWait) {
    this(maxConcurrent, maxConcurrent, queueWait, Launcher.configured());
  }

  /**
   * @param maxConcurrent how many commands may run at once, at least 1
   * @param maxPerUser how many of them one user may run, at least 1
   * @param queueWait how long {@link #start} waits for a free slot before returning {@link Busy}
   */
  public CommandExecutor(int maxConcurrent, int maxPerUser, Duration queueWait) {
    this(maxConcurrent, maxPerUser, queueWait, Launcher.configured());
  }

  CommandExecutor(int maxConcurrent, Duration queueWait, Launcher launcher) {
    this(maxConcurrent, maxConcurrent, queueWait, launcher);
  }

  CommandExecutor(int maxConcurrent, int maxPerUser, Duration queueWait, Launcher launcher) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1, was " + maxConcurrent);
    }
    if (queueWait.isNegative()) {
      throw new IllegalArgumentException("queueWait must not be negative, was " + queueWait);
    }
    if (maxPerUser < 1) {
      throw new IllegalArgumentException("maxPerUser must be >= 1, was " + maxPerUser);
    }
    this.slots = new FairSlots(maxConcurrent, maxPerUser);
    this.queueWait = queueWait;
    this.launcher = Objects.requireNonNull(launcher, "launcher");
  }

  /**
   * Starts {@code argv} under {@code rule}'s limits. Blocks only while waiting for a free slot.
   * Launch failures, {@link Busy} and an interrupt while waiting for a slot ({@link Cancelled})
   * come back as an already finished {@link Execution}.
   *
   * @param argv the executable path (must equal {@code rule.executable()}), then its arguments;
   *     normally {@link Decision.Allowed#argv()}
   * @throws IllegalArgumentException if {@code argv} does not start with the rule's executable
   */
  public Execution start(CommandRule rule, List<String> argv) {
    return start("", rule, argv, LaunchGate.OPEN);
  }

  /**
   * {@link #start(CommandRule, List)} for {@code user}: the slot counts against that user's limit
   * and waits in that user's turn.
   */
  public Execution start(String user, CommandRule rule, List<String> argv) {
    return start(user, rule, argv, LaunchGate.OPEN);
  }

  /**
   * {@link #start(String, CommandRule, List)}, calling {@code gate} once the slot is taken and
   * before the process is launched. If the gate throws, nothing is launched, the slot is released
   * and the exception propagates.
   */
  public Execution start(String user, CommandRule rule, List<String> argv, LaunchGate gate) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(gate, "gate");
    List<String> command = List.copyOf(argv);
    if (command.isEmpty() || !command.get(0).equals(rule.executable().toString())) {
      throw new IllegalArgumentException(
          "argv must start with the executable of rule '"
              + rule.name()
              + "' ("
              + rule.executable()
              + "): "
              + command);
    }
    try {
      if (!slots.acquire(user, queueWait)) {
        return Execution.finished(new Busy());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Execution.finished(new Cancelled(Output.EMPTY, Duration.ZERO));
    }
    try {
      gate.beforeLaunch();
    } catch (RuntimeException | Error e) {
      slots.release(user);
      throw e;
    }
    return launch(user, rule, command);
  }

  /**
   * Tells {@code processGuard} about every command process from now on (see {@link OrphanGuard}).
   */
  public void guard(ProcessGuard processGuard) {
    this.guard = Objects.requireNonNull(processGuard, "processGuard");
  }

  /** {@link #start} and {@link Execution#await()} in one call. */
  public ExecResult run(CommandRule rule, List<String> argv) {
    return start(rule, argv).await();
  }

  /**
   * Which launcher starts the processes: {@code native} (posix_spawn through the foreign function
   * API) or {@code jdk}.
   */
  public String launcherName() {
    return launcher.name();
  }

  /** How many commands are running right now. */
  public int running() {
    return running.get();
  }

  private Execution launch(String user, CommandRule rule, List<String> command) {
    long startNanos = System.nanoTime();
    Child child;
    try {
      child = launcher.launch(command, rule.workdir(), rule.maxOutputBytes());
    } catch (IOException e) {
      slots.release(user);
      LOG.warn("cannot start '{}' ({}): {}", rule.name(), rule.executable(), e.getMessage());
      return Execution.finished(
          new LaunchFailed("cannot start " + rule.executable() + ": " + e.getMessage()));
    } catch (RuntimeException e) {
      slots.release(user);
      throw e;
    }
    running.incrementAndGet();
    // Read while the child cannot have been reaped yet (the result is not published before
    // onDone), so the start time is this process's, not a successor's.
    Long startTime = ProcStat.of(child.pid()).map(ProcStat::startTime).orElse(null);
    ProcessGuard g = guard;
    g.register(
        child.pid(), child.ownGroup() ? child.pid() : -1, startTime == null ? -1 : startTime);
    return Execution.launched(
        child,
        rule,
        startNanos,
        startTime,
        () -> {
          g.unregister(child.pid());
          running.decrementAndGet();
          slots.release(user);
        },
        Timers.SHARED);
  }

  /**
   * One daemon thread, {@code rcx-exec-timer}, for every execution's timeout, re-kill and drain
   * grace.
   */
  private static final class Timers {
    static final ScheduledExecutorService SHARED = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor timers =
          new ScheduledThreadPoolExecutor(
              1, task -> Thread.ofPlatform().daemon().name("rcx-exec-timer").unstarted(task));
      timers.setRemoveOnCancelPolicy(true);
      return timers;
    }
  }
}
