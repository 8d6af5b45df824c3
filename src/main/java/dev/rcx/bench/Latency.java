package dev.rcx.bench;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * A latency distribution in milliseconds.
 *
 * @param count how many values were recorded
 */
public record Latency(
    long count, double p50, double p90, double p99, double p999, double max, double mean) {

  /** Summarizes a histogram of microseconds; null if it is empty. */
  static @Nullable Latency of(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return null;
    }
    return new Latency(
        micros.getTotalCount(),
        ms(micros.getValueAtPercentile(50)),
        ms(micros.getValueAtPercentile(90)),
        ms(micros.getValueAtPercentile(99)),
        ms(micros.getValueAtPercentile(99.9)),
        ms(micros.getMaxValue()),
        Math.round(micros.getMean()) / 1000.0);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
