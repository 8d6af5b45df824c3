package dev.rcx.bench;

/** When one simulated client sends its next command. */
sealed interface Schedule {
  /**
   * The intended send time of the next command, given that the previous one ended at {@code
   * previousEnd}.
   */
  long next(long previousEnd);

  /** How many commands due in {@code [from, end)} would never be sent if the loop stopped now. */
  long unsent(long from, long end);

  /** Closed loop: the next command goes as soon as the previous one is answered. */
  record Closed() implements Schedule {
    @Override
    public long next(long previousEnd) {
      return previousEnd;
    }

    @Override
    public long unsent(long from, long end) {
      return 0;
    }
  }

  /**
   * Open loop: commands are due every {@code interval} nanoseconds from {@code first}, whatever the
   * server does. A command sent late because the previous one was slow still has its latency
   * counted from its due time, so a stall shows in the percentiles instead of silently lowering the
   * send rate (coordinated omission).
   */
  final class Open implements Schedule {
    private final long first;
    private final long interval;
    private long sent;

    Open(long first, long interval) {
      if (interval <= 0) {
        throw new IllegalArgumentException(
            "open-loop interval must be positive but was " + interval + " ns");
      }
      this.first = first;
      this.interval = interval;
    }

    /**
     * Spreads {@code ratePerSecond} commands per second evenly over {@code clients} clients
     * starting at {@code start}: each client sends every {@code clients / rate} seconds, client
     * {@code i} offset by {@code i / rate} seconds.
     */
    static Open forClient(double ratePerSecond, int clients, int client, long start) {
      double gap = 1e9 / ratePerSecond;
      return new Open(start + Math.round(client * gap), Math.max(1, Math.round(clients * gap)));
    }

    @Override
    public long next(long previousEnd) {
      return first + sent++ * interval;
    }

    @Override
    public long unsent(long from, long end) {
      return from >= end ? 0 : (end - from + interval - 1) / interval;
    }
  }
}
