package dev.rcx.auth;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The naming rule shared by usernames and roles, and safe quoting of untrusted names in messages.
 */
final class Names {
  static final String RULE = "[a-z_][a-z0-9_.-]{0,31}";
  private static final Pattern NAME = Pattern.compile(RULE);
  private static final int QUOTE_LIMIT = 40;

  private Names() {}

  static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  static String requireUsername(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException("username must match " + RULE + " but was " + quote(name));
    }
    return name;
  }

  /**
   * Validates every role and returns an unmodifiable, sorted copy (sorted so files and logs are
   * stable).
   */
  static SortedSet<String> requireRoles(Set<String> roles) {
    if (roles == null) {
      throw new IllegalArgumentException("roles must not be null");
    }
    var copy = new TreeSet<String>();
    for (String role : roles) {
      if (!isValid(role)) {
        throw new IllegalArgumentException("role must match " + RULE + " but was " + quote(role));
      }
      copy.add(role);
    }
    return Collections.unmodifiableSortedSet(copy);
  }

  /**
   * Quotes an untrusted name for an error message: truncated, with control and non-ASCII characters
   * escaped.
   */
  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    var sb = new StringBuilder("'");
    int n = Math.min(s.length(), QUOTE_LIMIT);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    if (s.length() > n) {
      sb.append("...(").append(s.length()).append(" chars)");
    }
    return sb.append('\'').toString();
  }
}
