package dev.rcx.tls;

import java.util.Objects;

/**
 * What a TLS server accepts.
 *
 * @param allowTls12 also accept TLS 1.2 (ECDHE key exchange with AEAD ciphers only); TLS 1.3 is
 *     always on
 * @param clientAuth whether clients must present a certificate
 */
public record TlsPolicy(boolean allowTls12, ClientAuth clientAuth) {
  /** TLS 1.3 only, no client certificates. */
  public static final TlsPolicy DEFAULT = new TlsPolicy(/* allowTls12= */ false, ClientAuth.NONE);

  public TlsPolicy {
    Objects.requireNonNull(clientAuth, "clientAuth");
  }
}
