package dev.rcx.tls;

import java.io.IOException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds a TLS client's context and parameters.
 *
 * <pre>{@code
 * SSLContext context = ClientTls.context(trust);
 * SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port);
 * socket.setSSLParameters(ClientTls.parameters(trust, false));
 * socket.startHandshake();
 * }</pre>
 *
 * <p>Create the socket with the host name the user typed: it is the name checked against the
 * certificate for {@link ClientTrust.TrustCertificates} and sent as SNI. With that trust, a socket
 * without these parameters fails the handshake rather than skip the hostname check.
 */
public final class ClientTls {
  private ClientTls() {}

  /**
   * Returns a context that verifies servers as {@code trust} says and presents no client
   * certificate.
   *
   * @throws IOException if {@link ClientTrust.TrustCertificates#pemFile()} cannot be read or holds
   *     no certificate
   */
  public static SSLContext context(ClientTrust trust) throws IOException {
    return Stores.context(new KeyManager[0], trustManager(trust));
  }

  /**
   * Returns a context that verifies servers as {@code trust} says and presents {@code
   * clientIdentity} when the server asks for a certificate (mutual TLS).
   *
   * @throws IOException if {@link ClientTrust.TrustCertificates#pemFile()} cannot be read or holds
   *     no certificate
   */
  public static SSLContext context(ClientTrust trust, KeyMaterial clientIdentity)
      throws IOException {
    return Stores.context(Stores.keyManagers(clientIdentity), trustManager(trust));
  }

  /**
   * Returns fresh parameters for a client socket or engine: the protocol, suite and group policy of
   * {@link ServerTls#parameters} (TLS 1.3 only, plus ECDHE+AEAD TLS 1.2 if {@code allowTls12}), and
   * for {@link ClientTrust.TrustCertificates} the {@code HTTPS} hostname check. With a fingerprint
   * the certificate is the identity, so no hostname is checked.
   */
  public static SSLParameters parameters(ClientTrust trust, boolean allowTls12) {
    SSLParameters parameters = Suites.base(allowTls12);
    switch (trust) {
      case ClientTrust.TrustCertificates ignored ->
          parameters.setEndpointIdentificationAlgorithm("HTTPS");
      case ClientTrust.PinnedFingerprint ignored -> {}
      case ClientTrust.KnownHosts ignored -> {}
      case ClientTrust.Insecure ignored -> {}
    }
    return parameters;
  }

  /**
   * {@link #parameters} for a connection to an rcx server: the same, but with TLS 1.3 only x25519
   * is offered for the key exchange, the group every rcx server accepts and prefers ({@link
   * ServerTls#parameters}). JSSE sends a key share for the first group of each kind offered (one
   * x25519, one NIST curve), so with secp256r1 offered too every handshake made a P-256 key pair
   * that the server never used. With TLS 1.2 allowed all groups stay offered: there the list also
   * names the curves a server's ECDSA certificate may use. Servers of other makes (syslog
   * collectors) get {@link #parameters}.
   */
  public static SSLParameters rcxServerParameters(ClientTrust trust, boolean allowTls12) {
    SSLParameters parameters = parameters(trust, allowTls12);
    if (!allowTls12) {
      parameters.setNamedGroups(Suites.RCX_CLIENT_NAMED_GROUPS.toArray(String[]::new));
    }
    return parameters;
  }

  private static X509ExtendedTrustManager trustManager(ClientTrust trust) throws IOException {
    return switch (trust) {
      case ClientTrust.TrustCertificates(var pemFile) ->
          new HostnameCheckingTrustManager(
              Stores.pkix(Pem.readCertificates(pemFile, "trusted certificate file")));
      case ClientTrust.PinnedFingerprint(var sha256) -> new ServerTrustManager.Pinned(sha256);
      case ClientTrust.KnownHosts knownHosts -> new KnownHostsTrustManager(knownHosts);
      // No log line here: the caller chose this and tells its user in its own words (the CLI
      // prints one plain "Warning:" line); a logging line would land in command output.
      case ClientTrust.Insecure() -> new ServerTrustManager.Insecure();
    };
  }
}
