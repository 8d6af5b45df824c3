package dev.rcx.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of line bytes, as used by the {@code prev} chain. */
final class Hashes {
  static final byte[] ZERO = new byte[32];

  private Hashes() {}

  static byte[] sha256(byte[] bytes, int length) {
    MessageDigest md = sha256();
    md.update(bytes, 0, length);
    return md.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  static String hex(byte[] hash) {
    return RecordEncoder.HEX.formatHex(hash);
  }
}
