package dev.rcx.exec;

/** Helpers for putting caller-supplied strings into messages safely. */
final class Values {
  static final int SHOWN_CHARS = 64;

  private Values() {}

  /** Index of the first control character (C0, DEL or C1) in {@code s}, or -1. */
  static int controlChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code s} quoted, control characters escaped, cut after {@value #SHOWN_CHARS} characters. */
  static String show(String s) {
    StringBuilder b = new StringBuilder("'");
    int end = Math.min(s.length(), SHOWN_CHARS);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append(s.length() > end ? "...' (" + s.length() + " chars)" : "'");
    return b.toString();
  }
}
