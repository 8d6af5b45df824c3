package dev.rcx.fanout;

import dev.rcx.config.Durations;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link HostTask} on every target, at most {@code parallel} at once, each bounded by its
 * own {@link HostDeadline}; see the package description for the concurrency model.
 *
 * <pre>{@code
 * List<HostResult> results =
 *     FanOut.builder(task).parallel(32).firstPhase("connect", Duration.ofSeconds(10))
 *         .onResult(printer::print).run(targets);
 * }</pre>
 */
public final class FanOut {
  /** How often the watchdog looks at deadlines. */
  private static final long TICK_MILLIS = 20;

  private final HostTask task;
  private final int parallel;
  private final String firstPhase;
  private final Duration firstBudget;
  private final Consumer<HostResult> onResult;
  private final LongSupplier nanoTime;

  private FanOut(Builder b) {
    this.task = b.task;
    this.parallel = b.parallel;
    this.firstPhase = b.firstPhase;
    this.firstBudget = b.firstBudget;
    this.onResult = b.onResult;
    this.nanoTime = b.nanoTime;
  }

  public static Builder builder(HostTask task) {
    return new Builder(task);
  }

  /** Options of a fan-out run. */
  public static final class Builder {
    private final HostTask task;
    private int parallel = 32;
    private String firstPhase = "connect";
    private Duration firstBudget = Duration.ofSeconds(10);
    private Consumer<HostResult> onResult = r -> {};
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(HostTask task) {
      this.task = Objects.requireNonNull(task, "task");
    }

    /** Hosts worked on at once (default 32). */
    public Builder parallel(int n) {
      if (n < 1 || n > 1024) {
        throw new IllegalArgumentException("parallel must be between 1 and 1024 but was " + n);
      }
      this.parallel = n;
      return this;
    }

    /** The phase every task starts in and its budget (default "connect", 10 s). */
    public Builder firstPhase(String phase, Duration budget) {
      if (budget.isNegative() || budget.isZero()) {
        throw new IllegalArgumentException(phase + " timeout must be positive but was " + budget);
      }
      this.firstPhase = phase;
      this.firstBudget = budget;
      return this;
    }

    /** Called once per host as it is settled, on the settling thread (must be thread-safe). */
    public Builder onResult(Consumer<HostResult> c) {
      this.onResult = Objects.requireNonNull(c, "onResult");
      return this;
    }

    /** The clock for deadlines and durations (default {@link System#nanoTime}). */
    public Builder nanoTime(LongSupplier t) {
      this.nanoTime = Objects.requireNonNull(t, "nanoTime");
      return this;
    }

    public FanOut build() {
      return new FanOut(this);
    }

    /** Builds and runs on {@code targets}. */
    public List<HostResult> run(List<Target> targets) throws InterruptedException {
      return build().run(targets);
    }
  }

  /** One host in flight: its deadline (moved by the task) and its once-only result. */
  private final class Slot implements HostDeadline {
    final Target target;
    final long startNanos;
    final AtomicReference<HostResult> result = new AtomicReference<>();
    volatile String phase;
    volatile Duration budget;
    volatile long deadlineNanos;
    volatile @Nullable Thread thread; // null until started

    Slot(Target target) {
      this.target = target;
      this.startNanos = nanoTime.getAsLong();
      next(firstPhase, firstBudget);
    }

    @Override
    public void next(String newPhase, Duration newBudget) {
      phase = newPhase;
      budget = newBudget;
      deadlineNanos = nanoTime.getAsLong() + newBudget.toNanos();
    }

    long elapsedMillis() {
      return TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - startNanos);
    }
  }

  /**
   * Runs the task on every target and returns their results in target order. Returns when every
   * host is settled: at the latest when the last deadline has passed.
   */
  public List<HostResult> run(List<Target> targets) throws InterruptedException {
    List<Slot> slots = new ArrayList<>();
    Semaphore permits = new Semaphore(parallel);
    CountDownLatch settled = new CountDownLatch(targets.size());
    List<Slot> running = new ArrayList<>();
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .name("fanout-watchdog")
            .start(() -> watch(running, permits, settled));
    try {
      for (Target t : targets) {
        permits.acquire();
        Slot slot = new Slot(t);
        slots.add(slot);
        synchronized (running) {
          running.add(slot);
        }
        slot.thread =
            Thread.ofVirtual()
                .name("fanout-" + t.label())
                .start(() -> settle(slot, runTask(slot), permits, settled));
      }
      settled.await();
    } finally {
      watchdog.interrupt();
      for (Slot s : slots) {
        Thread th = s.thread;
        if (th != null && s.result.get() == null) {
          th.interrupt();
        }
      }
    }
    return slots.stream().map(s -> s.result.get()).toList();
  }

  private HostResult runTask(Slot slot) {
    try {
      HostResult r = task.run(slot.target, slot);
      return Objects.requireNonNull(r, "a host task returned null");
    } catch (InterruptedException | InterruptedIOException e) {
      return noAnswer(slot);
    } catch (Exception | Error e) {
      return HostResult.failed(
          slot.target,
          HostStatus.ERROR,
          slot.elapsedMillis(),
          "client failure: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  private HostResult noAnswer(Slot slot) {
    return HostResult.failed(
        slot.target,
        HostStatus.NO_ANSWER,
        slot.elapsedMillis(),
        "no answer within the " + slot.phase + " timeout of " + Durations.format(slot.budget));
  }

  private void settle(Slot slot, HostResult r, Semaphore permits, CountDownLatch settled) {
    if (!slot.result.compareAndSet(null, r)) {
      return; // the watchdog settled it first
    }
    try {
      onResult.accept(r);
    } finally {
      permits.release();
      settled.countDown();
    }
  }

  private void watch(List<Slot> running, Semaphore permits, CountDownLatch settled) {
    while (settled.getCount() > 0) {
      long now = nanoTime.getAsLong();
      List<Slot> late = new ArrayList<>();
      synchronized (running) {
        running.removeIf(s -> s.result.get() != null);
        for (Slot s : running) {
          if (now - s.deadlineNanos > 0) {
            late.add(s);
          }
        }
      }
      for (Slot s : late) {
        settle(s, noAnswer(s), permits, settled);
        Thread th = s.thread;
        if (th != null) {
          th.interrupt(); // closes its socket; its own late result is discarded
        }
      }
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
