package dev.rcx.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one fake clock of the tests: UTC, moved by hand with {@link #advance}, and optionally moving
 * itself by a fixed tick on every reading (so that consecutive timestamps differ). Safe to read
 * from server threads while a test advances it.
 */
public final class TestClock extends Clock {
  /** A fixed start for tests whose expectations name dates. */
  public static final Instant FIXED_START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;
  private final Duration tick;

  /** Starts at the real current instant, so audit timestamps stay plausible. */
  public TestClock() {
    this(Instant.now());
  }

  public TestClock(Instant start) {
    this(start, Duration.ZERO);
  }

  private TestClock(Instant start, Duration tick) {
    this.now = new AtomicReference<>(start);
    this.tick = tick;
  }

  /** A clock at {@code start} that moves 1 ms forward on every reading. */
  public static TestClock ticking(Instant start) {
    return new TestClock(start, Duration.ofMillis(1));
  }

  /** {@link #ticking(Instant)} from a fixed late-2026 instant. */
  public static TestClock ticking() {
    return ticking(Instant.parse("2026-11-27T10:00:00.123Z"));
  }

  public void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  @Override
  public Instant instant() {
    return tick.isZero() ? now.get() : now.getAndUpdate(t -> t.plus(tick));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("TestClock is UTC only");
  }
}
