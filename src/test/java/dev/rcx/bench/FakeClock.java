package dev.rcx.bench;

/** A {@link NanoClock} that only moves when told to; sleeping jumps straight to the deadline. */
final class FakeClock implements NanoClock {
  private long now;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void sleepUntil(long deadline) {
    now = Math.max(now, deadline);
  }

  void advance(long nanos) {
    now += nanos;
  }

  static long ms(long millis) {
    return millis * 1_000_000L;
  }
}
