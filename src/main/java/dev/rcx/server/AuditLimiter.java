package dev.rcx.server;

import dev.rcx.audit.AuditEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Bounds what one client address can make the server write to the audit log before it has a
 * session. Per address (an IPv4 address or an IPv6 /64) and per {@link #WINDOW}, the first {@code
 * perWindow} records are written in full; the rest are only counted, by event, and one {@link
 * AuditEvent.AuditSuppressed} record per address and window says how many of which were left out.
 * So a flood of junk lines, connections or bad logins costs at most {@code perWindow + 1} records a
 * minute per address, and the log still holds the fact and its size.
 *
 * <p>At most {@link #MAX_ADDRESSES} addresses are tracked at once; beyond that, new addresses share
 * one window named {@link #OTHERS}, so many addresses cost no more memory and at most that one
 * window's records more. Thread-safe.
 */
final class AuditLimiter {
  static final Duration WINDOW = Duration.ofSeconds(60);
  static final int MAX_ADDRESSES = 10_000;
  static final String OTHERS = "(other addresses)";

  private final int perWindow;
  private final LongSupplier nanos;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    final long startNanos;
    int written;
    long suppressed;
    final Map<String, Long> byEvent = new TreeMap<>();

    Window(long startNanos) {
      this.startNanos = startNanos;
    }
  }

  AuditLimiter(int perWindow, LongSupplier nanos) {
    if (perWindow < 1) {
      throw new IllegalArgumentException("perWindow must be >= 1, was " + perWindow);
    }
    this.perWindow = perWindow;
    this.nanos = nanos;
  }

  /**
   * Whether {@code event} about a client without a session, from {@code address}, is written; false
   * means it was counted for the window's summary instead.
   */
  boolean admit(String address, String event) {
    long now = nanos.getAsLong();
    String key = windows.containsKey(address) || windows.size() < MAX_ADDRESSES ? address : OTHERS;
    Window w = windows.computeIfAbsent(key, k -> new Window(now));
    synchronized (w) {
      if (w.written < perWindow) {
        w.written++;
        return true;
      }
      w.suppressed++;
      w.byEvent.merge(event, 1L, Long::sum);
      return false;
    }
  }

  /**
   * Ends every window older than {@link #WINDOW} (or every window, if {@code all}) and returns a
   * summary for each that suppressed something.
   */
  // windows is a ConcurrentHashMap: its iterators tolerate removal during the loop.
  @SuppressWarnings("ModifyCollectionInEnhancedForLoop")
  List<AuditEvent.AuditSuppressed> drain(boolean all) {
    long now = nanos.getAsLong();
    List<AuditEvent.AuditSuppressed> out = new ArrayList<>();
    for (Map.Entry<String, Window> e : windows.entrySet()) {
      Window w = e.getValue();
      long age = now - w.startNanos;
      if (!all && age < WINDOW.toNanos()) {
        continue;
      }
      if (!windows.remove(e.getKey(), w)) {
        continue;
      }
      synchronized (w) {
        if (w.suppressed > 0) {
          out.add(
              new AuditEvent.AuditSuppressed(
                  e.getKey(),
                  w.suppressed,
                  Math.max(1, Duration.ofNanos(age).toSeconds()),
                  summary(w.byEvent)));
        }
      }
    }
    return out;
  }

  /** Addresses with an open window; for tests. */
  int tracked() {
    return windows.size();
  }

  private static String summary(Map<String, Long> byEvent) {
    StringBuilder b = new StringBuilder();
    byEvent.forEach((k, v) -> b.append(b.isEmpty() ? "" : ",").append(k).append(':').append(v));
    return b.toString();
  }
}
