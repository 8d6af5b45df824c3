package dev.rcx.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Validation and clipping for event fields. Audit text often comes from the network (user names,
 * argv, error details), so over-long values are clipped rather than rejected: an audit record must
 * never be lost because an attacker sent a long string. Lone UTF-16 surrogates are replaced so
 * every value encodes to valid UTF-8.
 */
final class Text {
  static final int MAX_ADDRESS = 256;
  static final int MAX_NAME = 256;
  static final int MAX_TEXT = 2048;
  static final int MAX_ARG = 4096;
  static final int MAX_ARGS = 256;

  private Text() {}

  static String required(String value, String event, String field, int max) {
    Objects.requireNonNull(value, () -> event + "." + field + " must not be null");
    return clip(value, max);
  }

  static @Nullable String optional(@Nullable String value, int max) {
    return value == null ? null : clip(value, max);
  }

  static long nonNegative(long value, String event, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(event + "." + field + " must be >= 0, was " + value);
    }
    return value;
  }

  static String oneOf(String value, String event, String field, List<String> allowed) {
    Objects.requireNonNull(value, () -> event + "." + field + " must not be null");
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(
          event + "." + field + " must be one of " + allowed + ", was '" + clip(value, 64) + "'");
    }
    return value;
  }

  static List<String> args(List<String> argv, String event, String field) {
    Objects.requireNonNull(argv, () -> event + "." + field + " must not be null");
    int keep = Math.min(argv.size(), MAX_ARGS);
    List<String> out = new ArrayList<>(keep + 1);
    for (int i = 0; i < keep; i++) {
      out.add(required(argv.get(i), event, field + "[" + i + "]", MAX_ARG));
    }
    if (argv.size() > keep) {
      out.add("...(+" + (argv.size() - keep) + " more args)");
    }
    return List.copyOf(out);
  }

  /**
   * Replaces lone surrogates with U+FFFD and cuts the value at {@code max} chars, saying how much
   * was cut.
   */
  static String clip(String value, int max) {
    String clean = wellFormed(value);
    if (clean.length() <= max) {
      return clean;
    }
    int cut = max;
    if (Character.isHighSurrogate(clean.charAt(cut - 1))) {
      cut--;
    }
    return clean.substring(0, cut) + "...(+" + (clean.length() - cut) + " chars)";
  }

  private static String wellFormed(String value) {
    StringBuilder out = null;
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      boolean ok;
      if (Character.isHighSurrogate(c)) {
        ok = i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1));
        if (ok) {
          if (out != null) {
            out.append(c).append(value.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        ok = !Character.isLowSurrogate(c);
      }
      if (!ok && out == null) {
        out = new StringBuilder(n).append(value, 0, i);
      }
      if (out != null) {
        out.append(ok ? c : '\uFFFD');
      }
    }
    return out == null ? value : out.toString();
  }
}
