package dev.rcx.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain, leaf first: a server's identity, or a client's for
 * mutual TLS.
 *
 * <p>Construction fails with {@link IllegalArgumentException} if the chain is empty or the key does
 * not belong to the leaf's public key.
 *
 * @param key the private key of the leaf certificate
 * @param chain the leaf certificate followed by any intermediates, never empty
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {
  public KeyMaterial {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "certificate chain must hold at least the leaf certificate, but was empty");
    }
    if (!KeyPairs.matches(key, chain.getFirst().getPublicKey())) {
      throw new IllegalArgumentException(
          "private key ("
              + key.getAlgorithm()
              + ") does not match the public key of certificate "
              + chain.getFirst().getSubjectX500Principal());
    }
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.getFirst();
  }

  /** SHA-256 fingerprint of the leaf certificate, as {@link Fingerprints#sha256} formats it. */
  public String fingerprint() {
    return Fingerprints.sha256(leaf());
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "KeyMaterial[" + leaf().getSubjectX500Principal() + ", " + fingerprint() + "]";
  }
}
