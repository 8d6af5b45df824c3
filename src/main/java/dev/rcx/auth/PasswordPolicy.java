package dev.rcx.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a new password must be (OWASP ASVS 5.0, 6.2): at least {@value #MIN_LENGTH} characters, no
 * composition rules (no "one digit, one symbol"), not one of the common passwords bundled with rcx,
 * and not the user's own name. Long passphrases are welcome; nothing caps the length but the input
 * line.
 */
public final class PasswordPolicy {
  /** The least number of characters (Unicode code points) a password may have. */
  public static final int MIN_LENGTH = 8;

  private static final String LIST = "common-passwords.txt";
  private static final Set<String> COMMON = load();

  private PasswordPolicy() {}

  /**
   * Returns why {@code password} may not be set for {@code user}, or empty if it may. The message
   * never repeats the password.
   */
  public static Optional<String> problem(String user, char[] password) {
    String candidate = new String(password);
    int length = candidate.codePointCount(0, candidate.length());
    if (length < MIN_LENGTH) {
      return Optional.of(
          "the password has "
              + length
              + " characters; at least "
              + MIN_LENGTH
              + " are needed (a few words make a good passphrase)");
    }
    String folded = candidate.toLowerCase(Locale.ROOT);
    if (COMMON.contains(folded)) {
      return Optional.of(
          "the password is on rcx's list of common passwords, which attackers try first;"
              + " choose another");
    }
    if (folded.equals(user.toLowerCase(Locale.ROOT))) {
      return Optional.of("the password is the user name; choose another");
    }
    return Optional.empty();
  }

  /** How many common passwords are bundled (for tests and documentation). */
  static int commonCount() {
    return COMMON.size();
  }

  private static Set<String> load() {
    try (InputStream in = PasswordPolicy.class.getResourceAsStream(LIST)) {
      if (in == null) {
        throw new IllegalStateException("resource " + LIST + " is missing from the rcx jar");
      }
      Set<String> words = new HashSet<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        String w = line.strip();
        if (!w.isEmpty() && !w.startsWith("#")) {
          words.add(w.toLowerCase(Locale.ROOT));
        }
      }
      return Set.copyOf(words);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + LIST, e);
    }
  }
}
