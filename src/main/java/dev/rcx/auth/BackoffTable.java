package dev.rcx.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failure counts per key with exponential back-off, bounded in size. Entries are kept in order of
 * their last failure, so the oldest are at the head: expiry and eviction both pop from there. Not
 * thread-safe; {@link LoginThrottle} guards it.
 */
final class BackoffTable<K> {
  private final int freeFailures;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Duration forgetAfter;
  private final int maxEntries;
  private final LinkedHashMap<K, Entry> entries = new LinkedHashMap<>();

  private record Entry(int failures, Instant lastFailure, Instant blockedUntil) {}

  BackoffTable(
      int freeFailures,
      Duration baseDelay,
      Duration maxDelay,
      Duration forgetAfter,
      int maxEntries) {
    this.freeFailures = freeFailures;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.forgetAfter = forgetAfter;
    this.maxEntries = maxEntries;
  }

  /** How long {@code key} must still wait, or zero. */
  Duration remaining(K key, Instant now) {
    expire(now);
    Entry e = entries.get(key);
    if (e == null || !now.isBefore(e.blockedUntil())) {
      return Duration.ZERO;
    }
    return Duration.between(now, e.blockedUntil());
  }

  /** Counts a failure; returns the block it starts (zero while failures are still free). */
  Duration fail(K key, Instant now) {
    expire(now);
    Entry old = entries.remove(key);
    int failures = old == null ? 1 : saturatedIncrement(old.failures());
    Duration delay = delayAfter(failures);
    entries.put(key, new Entry(failures, now, now.plus(delay)));
    while (entries.size() > maxEntries) {
      Iterator<K> oldest = entries.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return delay;
  }

  void clear(K key) {
    entries.remove(key);
  }

  int size() {
    return entries.size();
  }

  /**
   * The block after the n-th consecutive failure: none for the first {@code free}, then base, 2
   * base, 4 base...
   */
  Duration delayAfter(int failures) {
    if (failures <= freeFailures) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures - freeFailures - 1, 40);
    Duration delay = baseDelay.multipliedBy(1L << doublings);
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }

  private void expire(Instant now) {
    Iterator<Map.Entry<K, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Entry e = it.next().getValue();
      if (now.isBefore(e.lastFailure().plus(forgetAfter))) {
        return;
      }
      it.remove();
    }
  }

  private static int saturatedIncrement(int n) {
    return n == Integer.MAX_VALUE ? n : n + 1;
  }
}
