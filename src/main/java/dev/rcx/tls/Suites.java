package dev.rcx.tls;

import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;

/**
 * The protocol and cipher policy shared by servers and clients, after Mozilla's "modern" profile
 * (TLS 1.3) and, for the TLS 1.2 opt-in, the ECDHE + AEAD part of its "intermediate" profile.
 */
final class Suites {
  static final String TLS13 = "TLSv1.3";
  static final String TLS12 = "TLSv1.2";

  static final List<String> TLS13_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /**
   * Forward secrecy (ECDHE) and authenticated encryption (GCM, ChaCha20-Poly1305) only: no CBC, no
   * RSA or DHE key exchange.
   */
  static final List<String> TLS12_SUITES =
      List.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  static final List<String> NAMED_GROUPS = List.of("x25519", "secp256r1", "secp384r1");

  /**
   * What a client offers an rcx server: the group it prefers (see ClientTls#rcxServerParameters).
   */
  static final List<String> RCX_CLIENT_NAMED_GROUPS = List.of("x25519");

  private Suites() {}

  /** Parameters with protocols, suites and groups set; everything else is left to the caller. */
  static SSLParameters base(boolean allowTls12) {
    List<String> protocols = new ArrayList<>(List.of(TLS13));
    List<String> suites = new ArrayList<>(TLS13_SUITES);
    if (allowTls12) {
      protocols.add(TLS12);
      suites.addAll(TLS12_SUITES);
    }
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(protocols.toArray(String[]::new));
    parameters.setCipherSuites(suites.toArray(String[]::new));
    parameters.setNamedGroups(NAMED_GROUPS.toArray(String[]::new));
    return parameters;
  }
}
