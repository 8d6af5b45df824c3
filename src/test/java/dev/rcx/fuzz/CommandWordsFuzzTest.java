package dev.rcx.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rcx.exec.CommandSyntaxException;
import dev.rcx.exec.CommandWords;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties of {@link CommandWords#split}, which turns a caller's command line into argv words:
 *
 * <ul>
 *   <li>it returns one or more words or throws CommandSyntaxException, nothing else;
 *   <li>no word holds a control character other than tab (no NUL, no line break), and there are at
 *       most {@link CommandWords#MAX_WORDS};
 *   <li>re-quoting the words and splitting again gives the same words (quoting is lossless);
 *   <li>a line without quotes or backslashes is refused if it holds a shell metacharacter, and
 *       otherwise is exactly its space-and-tab separated fields: nothing unquoted is expanded or
 *       passed through as an operator.
 * </ul>
 */
class CommandWordsFuzzTest {
  private static final String SHELL_CHARS = ";|&<>()`$*?[]{}~";

  @FuzzTest(maxDuration = "5m")
  @DictionaryEntries({"'", "\"", "\\", "\\\"", "\\\\", "$(", "`", ";", "|", "&&", "#", " ", "\t"})
  void split_anyLine_wordsAreCleanAndRequotable(FuzzedDataProvider data) {
    check(data.consumeRemainingAsString());
  }

  /**
   * Hand-picked lines that every build checks against the same properties, besides the stored fuzz
   * inputs.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "ls -la /tmp",
        "  echo\t'a b'  \"c\\\"d\" e\\ f ",
        "echo '$(id)' \"`id`\" \\; \\|",
        "echo a;b",
        "echo $(id)",
        "echo a#b #c",
        "echo 'it'\\''s'",
        "echo ''",
        "echo 'unterminated",
        "echo trailing\\",
        "echo \"tab\tinside\"",
        "echo \u00e9\u20ac\ud83d\ude00",
        "echo \ud800",
      })
  void split_knownLines_wordsAreCleanAndRequotable(String line) {
    check(line);
  }

  private static void check(String line) {
    List<String> words;
    try {
      words = CommandWords.split(line);
    } catch (CommandSyntaxException e) {
      assertThat(e.getMessage()).isNotBlank();
      checkUnquotedRefusalIsJustified(line);
      return;
    }
    assertThat(words).isNotEmpty().hasSizeLessThanOrEqualTo(CommandWords.MAX_WORDS);
    for (String word : words) {
      assertThat(controlChar(word))
          .as("control character in word %s of %s", word, line)
          .isEqualTo(-1);
    }
    String requoted = requote(words);
    if (requoted.getBytes(StandardCharsets.UTF_8).length <= CommandWords.MAX_BYTES) {
      assertThat(splitQuietly(requoted)).as("re-split of %s", words).isEqualTo(words);
    }
    if (isUnquoted(line)) {
      assertThat(hasShellChar(line)).as("shell character accepted unquoted in %s", line).isFalse();
      assertThat(words).isEqualTo(fields(line));
    }
  }

  /**
   * A refused line without quotes or escapes must hold something the splitter promises to refuse.
   */
  private static void checkUnquotedRefusalIsJustified(String line) {
    if (isUnquoted(line) && !line.isBlank()) {
      boolean refusable =
          hasShellChar(line)
              || controlChar(line) >= 0
              || line.length() > CommandWords.MAX_BYTES / 3
              || fields(line).size() > CommandWords.MAX_WORDS;
      assertThat(refusable).as("plain line refused: %s", line).isTrue();
    }
  }

  private static boolean isUnquoted(String line) {
    return line.indexOf('\'') < 0 && line.indexOf('"') < 0 && line.indexOf('\\') < 0;
  }

  /**
   * Whether an unquoted line holds an operator or expansion character, or a word that starts with
   * #.
   */
  private static boolean hasShellChar(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (SHELL_CHARS.indexOf(c) >= 0) {
        return true;
      }
      if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ' || line.charAt(i - 1) == '\t')) {
        return true;
      }
    }
    return false;
  }

  private static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    for (String f : line.split("[ \t]+", -1)) {
      if (!f.isEmpty()) {
        out.add(f);
      }
    }
    return out;
  }

  /** Single-quotes every word; a single quote inside becomes '\'' as in POSIX sh. */
  private static String requote(List<String> words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      b.append(b.isEmpty() ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
    }
    return b.toString();
  }

  private static List<String> splitQuietly(String line) {
    try {
      return CommandWords.split(line);
    } catch (CommandSyntaxException e) {
      throw new AssertionError("re-quoted line refused: " + line + ": " + e.getMessage(), e);
    }
  }

  private static int controlChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return i;
      }
    }
    return -1;
  }
}
