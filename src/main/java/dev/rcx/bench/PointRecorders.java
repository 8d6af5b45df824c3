package dev.rcx.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Everything the clients of one point record, shared by all load threads. Latencies go into
 * HdrHistogram {@link Recorder}s (wait-free for writers) in microseconds, with 3 significant
 * digits, up to one hour.
 */
final class PointRecorders implements LoadLoop.Sink {
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  private final Recorder latency = recorder();
  private final Recorder handshake = recorder();
  private final Recorder auth = recorder();
  private final ConcurrentHashMap<String, ErrorTally> errors = new ConcurrentHashMap<>();
  private final AtomicLong finished = new AtomicLong();
  private final LongAdder tlsHandshakes = new LongAdder();
  private final LongAdder tlsResumed = new LongAdder();
  private volatile boolean aborting;

  /** A failure code's count and the first message seen with it. */
  record ErrorTally(LongAdder count, String example) {}

  private static Recorder recorder() {
    return new Recorder(1, HIGHEST_MICROS, 3);
  }

  @Override
  public void success(long latencyNanos, Sample s) {
    latency.recordValue(micros(latencyNanos));
    phases(s);
    resumption(s);
  }

  @Override
  public void failure(String code, String message, Sample s) {
    String counted = aborting ? "ABORTED_AT_END" : code;
    errors
        .computeIfAbsent(
            counted, c -> new ErrorTally(new LongAdder(), message == null ? c : message))
        .count()
        .increment();
    phases(s);
    resumption(s);
  }

  @Override
  public void unsent(long count) {
    if (count > 0) {
      errors
          .computeIfAbsent(
              "NOT_SENT",
              c -> new ErrorTally(new LongAdder(), "open loop fell behind its schedule"))
          .count()
          .add(count);
    }
  }

  @Override
  public void finished() {
    finished.incrementAndGet();
  }

  /** Handshake and login timings, from the measured loop or from the preparation before it. */
  void phases(Sample s) {
    if (s.handshakeNanos > 0) {
      handshake.recordValue(micros(s.handshakeNanos));
    }
    if (s.authNanos > 0) {
      auth.recordValue(micros(s.authNanos));
    }
  }

  /**
   * Counts a measured operation's handshake as resumed or full (not the preparation's: a client's
   * first connection cannot resume).
   */
  private void resumption(Sample s) {
    if (s.resumed >= 0) {
      tlsHandshakes.increment();
      if (s.resumed == 1) {
        tlsResumed.increment();
      }
    }
  }

  /**
   * Of the measured operations' TLS handshakes whose kind is known, the fraction that resumed; null
   * if none.
   */
  @Nullable Double resumedFraction() {
    long all = tlsHandshakes.sum();
    return all == 0 ? null : Math.round(tlsResumed.sum() * 1000.0 / all) / 1000.0;
  }

  /** From now on, failures are operations cut short because the run ended. */
  void aborting() {
    aborting = true;
  }

  long finishedSoFar() {
    return finished.get();
  }

  Histogram latency() {
    return latency.getIntervalHistogram();
  }

  Histogram handshake() {
    return handshake.getIntervalHistogram();
  }

  Histogram auth() {
    return auth.getIntervalHistogram();
  }

  Map<String, Long> errorCounts() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((code, tally) -> out.put(code, tally.count().sum()));
    return out;
  }

  Map<String, String> errorExamples() {
    Map<String, String> out = new TreeMap<>();
    errors.forEach((code, tally) -> out.put(code, tally.example()));
    return out;
  }

  private static long micros(long nanos) {
    return Math.min(HIGHEST_MICROS, Math.max(1, nanos / 1000));
  }
}
