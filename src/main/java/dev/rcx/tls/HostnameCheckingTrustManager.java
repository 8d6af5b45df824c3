package dev.rcx.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * PKIX validation that refuses to run without a hostname check. The JDK's trust manager checks the
 * hostname only when the socket's parameters name an endpoint identification algorithm; a caller
 * who forgot {@link ClientTls#parameters} would silently accept any certificate the CA ever issued.
 * This fails closed instead.
 */
final class HostnameCheckingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;

  HostnameCheckingTrustManager(X509ExtendedTrustManager pkix) {
    this.pkix = pkix;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    if (!(socket instanceof SSLSocket ssl) || !checksHostname(ssl.getSSLParameters())) {
      throw noHostnameCheck();
    }
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (engine == null || !checksHostname(engine.getSSLParameters())) {
      throw noHostnameCheck();
    }
    pkix.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw noHostnameCheck();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client-side trust manager does not verify clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  private static boolean checksHostname(SSLParameters parameters) {
    String algorithm = parameters.getEndpointIdentificationAlgorithm();
    return algorithm != null && !algorithm.isEmpty();
  }

  private static CertificateException noHostnameCheck() {
    return new CertificateException(
        "server hostname verification is not enabled on this connection; apply"
            + " ClientTls.parameters(..) to the socket before the handshake");
  }
}
