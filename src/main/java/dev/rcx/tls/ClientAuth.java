package dev.rcx.tls;

/** Whether a TLS server asks connecting clients for a certificate (mutual TLS). */
public enum ClientAuth {
  /** Never ask for a client certificate. */
  NONE,
  /**
   * Ask; a client may send none, but a certificate it sends must verify against the trusted client
   * CAs.
   */
  OPTIONAL,
  /** Refuse clients without a certificate that verifies against the trusted client CAs. */
  REQUIRED
}
