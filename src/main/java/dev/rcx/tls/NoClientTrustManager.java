package dev.rcx.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A server's trust manager when no client CA is configured. Passing {@code null} to {@code
 * SSLContext.init} would instead trust the JDK's public CAs, letting anyone with a public
 * certificate in; this trusts no client at all.
 */
final class NoClientTrustManager extends X509ExtendedTrustManager {
  static final NoClientTrustManager INSTANCE = new NoClientTrustManager();

  private NoClientTrustManager() {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException(
        "client certificate "
            + subject(chain)
            + " refused: the server trusts no client certificate authority");
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
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a server-side trust manager does not verify servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private static String subject(X509Certificate[] chain) {
    return chain.length == 0 ? "(none)" : String.valueOf(chain[0].getSubjectX500Principal());
  }
}
