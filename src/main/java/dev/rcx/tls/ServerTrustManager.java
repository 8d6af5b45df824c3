package dev.rcx.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Base of the client-side trust managers that judge a server by its leaf certificate alone. Every
 * server check funnels into {@link #checkLeaf}; client checks always fail because these managers
 * sit in client contexts only.
 */
abstract class ServerTrustManager extends X509ExtendedTrustManager {
  /** Throws unless the server presenting {@code leaf} is trusted. */
  abstract void checkLeaf(X509Certificate leaf) throws CertificateException;

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server presented no certificate");
    }
    checkLeaf(chain[0]);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client-side trust manager does not verify clients");
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public final X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  /** Trusts exactly one certificate, by fingerprint. */
  static final class Pinned extends ServerTrustManager {
    private final String fingerprint;

    Pinned(String fingerprint) {
      this.fingerprint = fingerprint;
    }

    @Override
    void checkLeaf(X509Certificate leaf) throws CertificateException {
      String actual = Fingerprints.sha256(leaf);
      if (!actual.equals(fingerprint)) {
        throw new CertificateException(
            "server certificate SHA-256 fingerprint "
                + actual
                + " does not match the pinned fingerprint "
                + fingerprint);
      }
    }
  }

  /** Trusts anything: the user's explicit opt-out. */
  static final class Insecure extends ServerTrustManager {
    @Override
    void checkLeaf(X509Certificate leaf) {}
  }
}
