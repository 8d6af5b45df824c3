package dev.rcx.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Hands the heap a burst took back to the OS once the server is idle, for the collectors that do
 * not do it themselves. {@code ./rcx server} runs the serial collector (it costs a TLS reconnect
 * about a quarter less server CPU than G1 on a small heap), which shrinks its heap only at a full
 * collection, and an idle server runs none: after a burst of logins (19 MiB per Argon2id hash) it
 * would keep its peak. So when no collection has run for {@code quiet} (the server allocates on
 * every request, so it is idle) and the committed heap is more than {@link #SLACK_BYTES} above
 * where the last trim left it, this runs full collections, one per tick while the heap falls (at
 * most {@link #MAX_STEPS}), as G1's {@code G1PeriodicGCInterval} does for G1. Then none until the
 * heap grows again: a heap that stays large because its data is live is not collected every 10 s.
 */
final class IdleHeapTrim {
  /** Growth below this is not worth a full collection. */
  static final long SLACK_BYTES = 8L << 20;

  /** Most full collections in one trim. */
  static final int MAX_STEPS = 6;

  private final Duration quiet;
  private final LongSupplier nanoTime;
  private final LongSupplier collections;
  private final Supplier<MemoryUsage> heap;
  private final Runnable collect;
  private final long initial;
  private long lastCount = -1;
  private long quietSince;
  private long trimmedCommitted;

  /** Collections of the trim under way; 0 when none is. */
  private int steps;

  IdleHeapTrim(
      Duration quiet,
      LongSupplier nanoTime,
      LongSupplier collections,
      Supplier<MemoryUsage> heap,
      Runnable collect) {
    this.quiet = quiet;
    this.nanoTime = nanoTime;
    this.collections = collections;
    this.heap = heap;
    this.collect = collect;
    this.initial = Math.max(0, heap.get().getInit());
    this.trimmedCommitted = initial;
  }

  /**
   * The trim for this JVM, or empty when its collector returns memory on its own or on a timer (G1
   * with {@code G1PeriodicGCInterval}, ZGC, Shenandoah): only the serial and parallel collectors,
   * whose MXBeans are "Copy"/"MarkSweepCompact" and "PS Scavenge"/"PS MarkSweep".
   */
  static Optional<IdleHeapTrim> forThisJvm(Duration quiet) {
    List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
    boolean needed =
        !gcs.isEmpty()
            && gcs.stream()
                .map(GarbageCollectorMXBean::getName)
                .allMatch(
                    n -> n.equals("Copy") || n.equals("MarkSweepCompact") || n.startsWith("PS "));
    if (!needed) {
      return Optional.empty();
    }
    return Optional.of(
        new IdleHeapTrim(
            quiet,
            System::nanoTime,
            () -> gcs.stream().mapToLong(g -> Math.max(0, g.getCollectionCount())).sum(),
            ManagementFactory.getMemoryMXBean()::getHeapMemoryUsage,
            System::gc));
  }

  /**
   * Called periodically (the server's housekeeping, about once a second). A trim is one full
   * collection per call while the committed heap keeps falling: the serial collector gives back at
   * most part of the free heap per collection (4 collections of ~17 ms took 248 MiB back to 16).
   */
  void tick() {
    long count = collections.getAsLong();
    long now = nanoTime.getAsLong();
    if (count != lastCount) {
      lastCount = count; // the server collected on its own: it is busy
      quietSince = now;
      steps = 0;
      return;
    }
    if (steps == 0) {
      if (now - quietSince < quiet.toNanos()
          || heap.get().getCommitted() <= trimmedCommitted + SLACK_BYTES) {
        return;
      }
    }
    long before = heap.get().getCommitted();
    collect.run();
    long after = heap.get().getCommitted();
    lastCount = collections.getAsLong(); // its own collection is not activity
    trimmedCommitted = after;
    ++steps;
    // The first collection may even grow the heap (the young generation is resized after it).
    boolean falling = after < before || steps == 1;
    if (!falling || after <= initial + SLACK_BYTES || steps >= MAX_STEPS) {
      steps = 0;
      quietSince = nanoTime.getAsLong();
    }
  }
}
