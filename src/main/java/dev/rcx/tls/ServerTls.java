package dev.rcx.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds a TLS server's context and parameters.
 *
 * <pre>{@code
 * SSLContext context = ServerTls.context(identity, clientCas);
 * SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(port, 50, address);
 * server.setSSLParameters(ServerTls.parameters(policy));
 * }</pre>
 *
 * <p>The parameters carry the whole policy (protocols, suites, groups, client authentication); a
 * socket without them runs the JDK's defaults, which are weaker.
 */
public final class ServerTls {
  private ServerTls() {}

  /**
   * Returns a context that presents {@code identity} and verifies client certificates against
   * {@code clientCas}.
   *
   * @param identity the server's key and certificate chain
   * @param clientCas trust anchors for client certificates (mutual TLS); empty means no client
   *     certificate is ever accepted, so {@link ClientAuth#REQUIRED} then refuses every client
   */
  public static SSLContext context(KeyMaterial identity, List<X509Certificate> clientCas) {
    X509ExtendedTrustManager clientTrust =
        clientCas.isEmpty() ? NoClientTrustManager.INSTANCE : Stores.pkix(List.copyOf(clientCas));
    return Stores.context(Stores.keyManagers(identity), clientTrust);
  }

  /**
   * Returns fresh parameters for a server socket or engine: TLS 1.3 with {@code
   * TLS_AES_128_GCM_SHA256}, {@code TLS_AES_256_GCM_SHA384}, {@code TLS_CHACHA20_POLY1305_SHA256};
   * groups x25519, secp256r1, secp384r1; the server's suite order wins. With {@link
   * TlsPolicy#allowTls12()}, also TLS 1.2 with ECDHE-ECDSA/ECDHE-RSA and AES-GCM or
   * ChaCha20-Poly1305 only. Client certificates are needed or wanted as {@link
   * TlsPolicy#clientAuth()} says.
   */
  public static SSLParameters parameters(TlsPolicy policy) {
    SSLParameters parameters = Suites.base(policy.allowTls12());
    parameters.setUseCipherSuitesOrder(true);
    switch (policy.clientAuth()) {
      case NONE -> parameters.setNeedClientAuth(false);
      case OPTIONAL -> parameters.setWantClientAuth(true);
      case REQUIRED -> parameters.setNeedClientAuth(true);
    }
    return parameters;
  }
}
