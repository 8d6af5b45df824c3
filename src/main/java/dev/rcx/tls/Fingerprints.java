package dev.rcx.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 certificate fingerprints in the form {@code openssl x509 -fingerprint -sha256} prints.
 */
final class Fingerprints {
  private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();
  private static final int SHA256_HEX_DIGITS = 64;

  private Fingerprints() {}

  /**
   * Returns the SHA-256 of the certificate's DER encoding as uppercase hex bytes joined by colons,
   * e.g. {@code "AB:01:...:FF"} (95 characters).
   */
  static String sha256(X509Certificate certificate) {
    try {
      return COLON_HEX.formatHex(sha256(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException(
          "certificate " + certificate.getSubjectX500Principal() + " cannot be DER-encoded", e);
    }
  }

  /**
   * Brings a SHA-256 fingerprint written by a person into the form {@link #sha256(X509Certificate)}
   * returns.
   *
   * <p>Accepts any case, with or without colons (or spaces) between the bytes, and an optional
   * prefix {@code SHA256:}, {@code SHA256=} or {@code sha256 Fingerprint=} as openssl prints it.
   *
   * @throws IllegalArgumentException if what remains is not exactly 64 hex digits
   */
  static String normalize(String fingerprint) {
    String digits = stripPrefix(fingerprint.strip()).replace(":", "").replace(" ", "");
    if (digits.length() != SHA256_HEX_DIGITS || !isHex(digits)) {
      throw new IllegalArgumentException(
          "SHA-256 fingerprint must be 64 hex digits, optionally separated by colons, but was '"
              + fingerprint
              + "'");
    }
    return COLON_HEX.formatHex(HexFormat.of().parseHex(digits));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String stripPrefix(String s) {
    int equals = s.indexOf('=');
    if (equals >= 0 && s.substring(0, equals).toLowerCase(Locale.ROOT).startsWith("sha256")) {
      return s.substring(equals + 1);
    }
    if (s.regionMatches(/* ignoreCase= */ true, 0, "sha256:", 0, 7)) {
      return s.substring(7);
    }
    return s;
  }

  private static boolean isHex(String s) {
    return s.chars()
        .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
  }
}
