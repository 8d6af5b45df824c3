package dev.rcx.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The forward-secure key chain: K_{e+1} = HMAC-SHA256(K_e, "rcx-audit-evolve:v1"), and records of
 * epoch e are authenticated with HMAC-SHA256 under M_e = HMAC-SHA256(K_e, "rcx-audit-mac:v1").
 * Evolving overwrites K_e and M_e, so whoever later reads this object, the key file or (best
 * effort) the heap learns nothing that authenticates an earlier epoch. Not thread-safe; the log's
 * lock guards it.
 */
final class EpochKeys implements AutoCloseable {
  static final int KEY_BYTES = 32;
  private static final byte[] EVOLVE = "rcx-audit-evolve:v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAC_LABEL = "rcx-audit-mac:v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID_LABEL = "rcx-audit-key-id:v1".getBytes(StandardCharsets.US_ASCII);

  private final Mac mac;
  private byte[] key;
  private long epoch;

  /**
   * Takes ownership of {@code key} (K_epoch): it is wiped when the epoch moves on or this is
   * closed.
   */
  EpochKeys(byte[] key, long epoch) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "epoch key must be " + KEY_BYTES + " bytes, was " + key.length);
    }
    this.mac = newMac();
    this.key = key;
    this.epoch = epoch;
    initMac();
  }

  long epoch() {
    return epoch;
  }

  /** A copy of K_epoch for the key file; the caller wipes it. */
  byte[] keyCopy() {
    return key.clone();
  }

  /** HMAC-SHA256 of {@code data[0..length)} under this epoch's MAC key. */
  byte[] mac(byte[] data, int length) {
    mac.update(data, 0, length);
    return mac.doFinal();
  }

  /** Moves to the next epoch and wipes the previous epoch's keys. */
  void evolve() {
    byte[] next = derive(key, EVOLVE);
    Arrays.fill(key, (byte) 0);
    key = next;
    epoch++;
    initMac();
  }

  /** Moves forward until {@code target}; used by the verifier, which starts from K_0. */
  void evolveTo(long target) {
    while (epoch < target) {
      evolve();
    }
  }

  /** Whether this object holds the same K_epoch as {@code other} (constant time). */
  boolean sameKey(byte[] other) {
    return MessageDigest.isEqual(key, other);
  }

  @Override
  public void close() {
    Arrays.fill(key, (byte) 0);
    byte[] junk = new byte[KEY_BYTES];
    try {
      mac.init(new RawKey(junk)); // overwrite the HMAC pads derived from M_e
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 refused a 32-byte key", e);
    }
  }

  private void initMac() {
    byte[] macKey = derive(key, MAC_LABEL);
    try {
      mac.init(new RawKey(macKey));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 refused a 32-byte key", e);
    } finally {
      Arrays.fill(macKey, (byte) 0);
    }
  }

  /** The public identifier of a key chain: the first 8 bytes of SHA-256(label || K_0), in hex. */
  static String keyId(byte[] k0) {
    MessageDigest md = Hashes.sha256();
    md.update(ID_LABEL);
    md.update(k0);
    return RecordEncoder.HEX.formatHex(md.digest(), 0, 8);
  }

  private static byte[] derive(byte[] key, byte[] label) {
    Mac m = newMac();
    try {
      m.init(new RawKey(key));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 refused a 32-byte key", e);
    }
    return m.doFinal(label);
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  /**
   * A key handed to {@link Mac#init} without the copy that {@code SecretKeySpec} keeps forever: the
   * JDK's HMAC asks for {@link #getEncoded()} once, uses it to compute its pads and wipes that
   * copy.
   */
  private static final class RawKey implements SecretKey {
    private final byte[] bytes;

    RawKey(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String getAlgorithm() {
      return "HmacSHA256";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      return bytes.clone();
    }
  }
}
