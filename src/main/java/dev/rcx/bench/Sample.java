package dev.rcx.bench;

import java.io.IOException;

/**
 * Phase timings of one operation: the handshake and the login, when the operation had them. -1
 * means absent.
 */
final class Sample {
  private final NanoClock clock;
  long handshakeNanos = -1;
  long authNanos = -1;

  /** Whether the handshake resumed a TLS session: 1 yes, 0 no, -1 unknown or none. */
  int resumed = -1;

  Sample(NanoClock clock) {
    this.clock = clock;
  }

  void reset() {
    handshakeNanos = -1;
    authNanos = -1;
    resumed = -1;
  }

  void connect(Driver d) throws IOException {
    long n = d.connect();
    if (n > 0) {
      handshakeNanos = n;
    }
    Boolean r = d.lastHandshakeResumed();
    resumed = r == null ? -1 : r ? 1 : 0;
  }

  void login(Driver d) throws IOException, OperationFailedException {
    long start = clock.nanoTime();
    d.login();
    authNanos = clock.nanoTime() - start;
  }
}
