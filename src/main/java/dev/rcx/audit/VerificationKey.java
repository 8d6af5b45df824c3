package dev.rcx.audit;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The operator's copy of K_0: {@code rcx-audit-key:v1:<epoch-records>:<base64url K_0, 43 chars>}.
 */
final class VerificationKey {
  static final String PREFIX = "rcx-audit-key:v1:";
  private static final Pattern FORMAT =
      Pattern.compile("rcx-audit-key:v1:([1-9][0-9]{0,8}):([A-Za-z0-9_-]{43})");

  private VerificationKey() {}

  static String format(int epochRecords, byte[] k0) {
    return PREFIX + epochRecords + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(k0);
  }

  /**
   * The epoch length and K_0, or null if {@code text} is not a verification key. Never echoes the
   * input.
   */
  static @Nullable Parsed parse(String text) {
    Matcher m = FORMAT.matcher(text.strip());
    if (!m.matches()) {
      return null;
    }
    byte[] k0 = Base64.getUrlDecoder().decode(m.group(2));
    if (k0.length != EpochKeys.KEY_BYTES) {
      return null;
    }
    return new Parsed(Integer.parseInt(m.group(1)), k0);
  }

  // Internal; the caller zeroes k0 after use.
  @SuppressWarnings("ArrayRecordComponent")
  record Parsed(int epochRecords, byte[] k0) {}
}
