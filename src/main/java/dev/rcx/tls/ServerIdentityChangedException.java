package dev.rcx.tls;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.Optional;

/**
 * A server presented a certificate whose fingerprint differs from the one the known-hosts file
 * recorded for it. During a handshake JSSE wraps it in an {@link
 * javax.net.ssl.SSLHandshakeException}; use {@link #findIn} to get it back.
 */
public final class ServerIdentityChangedException extends CertificateException {
  private static final int MAX_CAUSE_DEPTH = 16;

  private final String hostPort;
  private final String expected;
  private final String actual;
  private final Path file;
  private final int line;

  ServerIdentityChangedException(
      String hostPort, String expected, String actual, Path file, int line) {
    super(
        "REMOTE SERVER IDENTIFICATION HAS CHANGED for "
            + hostPort
            + ": someone could be intercepting the connection (man-in-the-middle attack), or the"
            + " server's certificate was replaced; expected SHA-256 fingerprint "
            + expected
            + ", got "
            + actual
            + "; remove line "
            + line
            + " from "
            + file
            + " if this change is expected");
    this.hostPort = hostPort;
    this.expected = expected;
    this.actual = actual;
    this.file = file;
    this.line = line;
  }

  /**
   * Returns the first {@code ServerIdentityChangedException} in the cause chain of {@code t}, if
   * any.
   */
  public static Optional<ServerIdentityChangedException> findIn(Throwable t) {
    Throwable current = t;
    for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH; depth++) {
      if (current instanceof ServerIdentityChangedException changed) {
        return Optional.of(changed);
      }
      current = current.getCause();
    }
    return Optional.empty();
  }

  /** The server as the known-hosts file names it. */
  public String hostPort() {
    return hostPort;
  }

  /** The fingerprint the known-hosts file recorded. */
  public String expected() {
    return expected;
  }

  /** The fingerprint the server presented. */
  public String actual() {
    return actual;
  }

  /** The known-hosts file. */
  public Path file() {
    return file;
  }

  /** The 1-based line of {@link #file()} holding the recorded fingerprint. */
  public int line() {
    return line;
  }
}
