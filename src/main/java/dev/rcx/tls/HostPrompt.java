package dev.rcx.tls;

/**
 * Asks a person whether to trust a server seen for the first time (trust on first use, like ssh).
 * The CLI implements it by printing the fingerprint and reading yes or no; non-interactive callers
 * return {@code false}.
 *
 * <p>Called during the TLS handshake, at most once at a time per JVM, so an implementation may
 * block on the terminal.
 */
@FunctionalInterface
public interface HostPrompt {
  /**
   * Returns whether to trust and remember the server.
   *
   * @param hostPort the server as the known-hosts file names it, such as {@code example.com:8443}
   * @param fingerprint the SHA-256 fingerprint of its certificate, as {@link Fingerprints#sha256}
   *     formats it
   */
  boolean accept(String hostPort, String fingerprint);
}
