package dev.rcx.syslog;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's messages to the server's log, throttled per kind: a kind is logged at most once
 * per interval, with the count of the same kind left out since, so a collector that stays down for
 * a day costs a line a minute, not one per retry. Not thread-safe: the forwarder thread owns it.
 */
final class Problems {
  enum Level {
    INFO,
    WARN,
    ERROR
  }

  /** Where messages go: SLF4J in the server, a list in tests. */
  interface Sink {
    void log(Level level, String message);
  }

  /** Logs to the {@code dev.rcx.syslog} logger. */
  static Sink slf4j() {
    Logger log = LoggerFactory.getLogger("dev.rcx.syslog");
    return (level, message) -> {
      switch (level) {
        case INFO -> log.info(message);
        case WARN -> log.warn(message);
        case ERROR -> log.error(message);
      }
    };
  }

  private record Seen(long atNanos, long suppressed) {}

  private final Sink sink;
  private final LongSupplier nanos;
  private final long intervalNanos;
  private final Map<String, Seen> seen = new HashMap<>();

  Problems(Sink sink, LongSupplier nanos, Duration interval) {
    this.sink = sink;
    this.nanos = nanos;
    this.intervalNanos = interval.toNanos();
  }

  /** Logs {@code message} unless a message of {@code kind} was logged less than an interval ago. */
  void report(String kind, Level level, String message) {
    long now = nanos.getAsLong();
    Seen last = seen.get(kind);
    if (last != null && now - last.atNanos() < intervalNanos) {
      seen.put(kind, new Seen(last.atNanos(), last.suppressed() + 1));
      return;
    }
    String more =
        last == null || last.suppressed() == 0
            ? ""
            : " (" + last.suppressed() + " more like this since the last such message)";
    seen.put(kind, new Seen(now, 0));
    sink.log(level, message + more);
  }
}
