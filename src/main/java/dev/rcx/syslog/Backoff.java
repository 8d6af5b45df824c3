package dev.rcx.syslog;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Bounded exponential back-off between reconnection attempts: 250 ms, doubling up to a maximum,
 * each wait drawn from its upper half (so many servers that lost one collector do not all retry at
 * the same instant). Not thread-safe.
 */
final class Backoff {
  static final Duration FIRST = Duration.ofMillis(250);

  private final long maxNanos;
  private final DoubleSupplier random;
  private long nextNanos;

  /**
   * @param max the longest wait
   * @param random uniform in [0, 1)
   */
  Backoff(Duration max, DoubleSupplier random) {
    this.maxNanos = max.toNanos();
    this.random = random;
    reset();
  }

  /** The wait before the next attempt; doubles the one after. */
  Duration next() {
    long base = nextNanos;
    nextNanos = Math.min(maxNanos, base * 2);
    long half = base / 2;
    return Duration.ofNanos(half + (long) ((double) half * random.getAsDouble()));
  }

  /** After a success: the next wait is the first one again. */
  void reset() {
    nextNanos = Math.min(maxNanos, FIRST.toNanos());
  }
}
