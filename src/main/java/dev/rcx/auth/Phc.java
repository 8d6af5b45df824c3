package dev.rcx.auth;

import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Argon2id PHC string {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>},
 * salt and hash in unpadded standard base64. Only this exact shape is accepted: a stored hash that
 * does not parse is corruption, not something to guess at. Error messages describe the rule broken
 * and never echo the string.
 */
final class Phc {
  static final int MIN_SALT_BYTES = 8;
  static final int MAX_SALT_BYTES = 64;
  static final int MIN_HASH_BYTES = 16;
  static final int MAX_HASH_BYTES = 64;

  private static final Pattern SHAPE =
      Pattern.compile(
          "\\$argon2id\\$v=(\\d{1,3})\\$m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,10})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private final PasswordHasher.Params params;
  private final byte[] salt;
  private final byte[] hash;

  Phc(PasswordHasher.Params params, byte[] salt, byte[] hash) {
    this.params = params;
    this.salt = salt.clone();
    this.hash = hash.clone();
  }

  PasswordHasher.Params params() {
    return params;
  }

  byte[] salt() {
    return salt.clone();
  }

  byte[] hash() {
    return hash.clone();
  }

  int hashLength() {
    return hash.length;
  }

  String format() {
    return "$argon2id$v=19$m="
        + params.memoryKiB()
        + ",t="
        + params.iterations()
        + ",p="
        + params.parallelism()
        + "$"
        + ENCODER.encodeToString(salt)
        + "$"
        + ENCODER.encodeToString(hash);
  }

  /**
   * Parses a stored PHC string.
   *
   * @throws IllegalArgumentException naming the broken rule (never the value)
   */
  static Phc parse(String phc) {
    if (phc == null) {
      throw invalid("it is null");
    }
    if (phc.length() > 512) {
      throw invalid("it is longer than 512 characters");
    }
    Matcher m = SHAPE.matcher(phc);
    if (!m.matches()) {
      throw invalid(
          "expected $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<base64 salt>$<base64 hash>");
    }
    if (!m.group(1).equals("19")) {
      throw invalid("version must be v=19 but was v=" + m.group(1));
    }
    PasswordHasher.Params params;
    try {
      params =
          new PasswordHasher.Params(
              number(m.group(2), "m"), number(m.group(3), "t"), number(m.group(4), "p"));
    } catch (IllegalArgumentException e) {
      throw invalid(Objects.requireNonNullElse(e.getMessage(), e.toString()));
    }
    byte[] salt = decode(m.group(5), "salt", MIN_SALT_BYTES, MAX_SALT_BYTES);
    byte[] hash = decode(m.group(6), "hash", MIN_HASH_BYTES, MAX_HASH_BYTES);
    return new Phc(params, salt, hash);
  }

  private static int number(String digits, String name) {
    if (digits.length() > 1 && digits.charAt(0) == '0') {
      throw invalid(name + " must have no leading zeros");
    }
    long value = Long.parseLong(digits);
    if (value > Integer.MAX_VALUE) {
      throw invalid(name + " is out of range: " + value);
    }
    return (int) value;
  }

  private static byte[] decode(String b64, String name, int min, int max) {
    if (b64.length() % 4 == 1) {
      throw invalid(name + " is not valid unpadded base64 (length " + b64.length() + ")");
    }
    byte[] bytes;
    try {
      bytes = DECODER.decode(b64);
    } catch (IllegalArgumentException e) {
      throw invalid(name + " is not valid unpadded base64");
    }
    if (bytes.length < min || bytes.length > max) {
      throw invalid(name + " must be " + min + " to " + max + " bytes but was " + bytes.length);
    }
    return bytes;
  }

  private static IllegalArgumentException invalid(String rule) {
    return new IllegalArgumentException(
        "password hash is not a valid Argon2id PHC string: " + rule);
  }
}
