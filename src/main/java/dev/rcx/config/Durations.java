package dev.rcx.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints human durations: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 8h}, {@code
 * 1d}.
 */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private Durations() {}

  /** Parses {@code text}; {@code key} names the setting in the error message. */
  public static Duration parse(String key, String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new ConfigException(
          key + ": expected a duration such as 500ms, 30s, 15m, 8h or 1d, but got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new AssertionError(m.group(2));
    };
  }

  /** The shortest exact form of {@code d} in the units {@link #parse} accepts. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms != 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms != 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms != 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
