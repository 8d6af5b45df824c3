package dev.rcx.exec;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one caller word at a fixed position may be (the {@code positional} list of a whitelist
 * entry).
 *
 * @param pattern the word must match it as a whole
 * @param path whether the word is a path: then a {@code ..} segment is refused even when the entry
 *     sets {@code allow_dotdot}
 */
public record ArgSpec(Pattern pattern, boolean path) {
  public ArgSpec {
    Objects.requireNonNull(pattern, "pattern");
  }
}
