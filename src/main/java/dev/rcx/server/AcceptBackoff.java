package dev.rcx.server;

import java.time.Duration;

/**
 * How long the accept loop pauses after {@code accept()} fails (typically EMFILE: out of file
 * descriptors). Retrying at once would spin a core while the condition lasts and fill the log; the
 * pause doubles from {@link #FIRST} up to {@link #MAX} and resets after a success. Not thread-safe:
 * used by the one accept thread.
 */
final class AcceptBackoff {
  static final Duration FIRST = Duration.ofMillis(10);
  static final Duration MAX = Duration.ofSeconds(1);

  private Duration next = FIRST;
  private long failures;

  /** Records a failure; returns how long to pause before the next accept. */
  Duration failed() {
    failures++;
    Duration pause = next;
    next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
    return pause;
  }

  /** Records a success: the next failure pauses {@link #FIRST} again. */
  void succeeded() {
    next = FIRST;
  }

  /** Failures since the server started. */
  long failures() {
    return failures;
  }

  /** Whether this failure should be logged: the first, then one in every 100. */
  boolean shouldLog() {
    return failures == 1 || failures % 100 == 0;
  }
}
