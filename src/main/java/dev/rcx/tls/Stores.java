package dev.rcx.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * In-memory key stores and the JDK's key and trust managers over them. Nothing here reads or writes
 * a file.
 */
final class Stores {
  private static final String ALIAS = "identity";

  /** Protects the key only inside the in-memory key store object; never written anywhere. */
  private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

  private Stores() {}

  static KeyManager[] keyManagers(KeyMaterial identity) {
    try {
      KeyStore store = emptyStore();
      store.setKeyEntry(
          ALIAS,
          identity.key(),
          IN_MEMORY_PASSWORD,
          identity.chain().toArray(X509Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, IN_MEMORY_PASSWORD);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot use key material " + identity + ": " + e.getMessage(), e);
    }
  }

  /**
   * The JDK's PKIX trust manager with exactly {@code anchors} as trust anchors (not the JDK's
   * cacerts).
   */
  static X509ExtendedTrustManager pkix(List<X509Certificate> anchors) {
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException(
          "at least one trusted certificate is required, but the list was empty");
    }
    try {
      KeyStore store = emptyStore();
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException(
          "the JDK's PKIX TrustManagerFactory returned no X509ExtendedTrustManager");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot build a trust store from " + anchors.size() + " certificates", e);
    }
  }

  static SSLContext context(KeyManager[] keyManagers, TrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trustManager}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot initialise a TLS context", e);
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("an empty in-memory key store cannot fail to load", e);
    }
    return store;
  }
}
