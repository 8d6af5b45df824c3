package dev.rcx.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that tests move by hand; safe to read from server threads while a test advances it.
 */
public final class TestClock extends Clock {
  private volatile Instant now;

  /** Starts at the real current instant, so audit timestamps stay plausible. */
  public TestClock() {
    this(Instant.now());
  }

  public TestClock(Instant start) {
    this.now = start;
  }

  public void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public Instant instant() {
    return now;
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
