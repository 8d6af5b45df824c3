package dev.rcx.exec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell splits them, without expanding anything.
 *
 * <p>Rules: spaces and tabs separate words. Outside quotes a backslash makes the next character
 * literal. Inside single quotes every character is literal. Inside double quotes every character is
 * literal except that {@code \"} and {@code \\} stand for {@code "} and {@code \}. Quoted and
 * unquoted parts that touch form one word, so {@code a'b'"c"} is {@code abc} and {@code ''} is an
 * empty word.
 *
 * <p>rcx never hands a command to a shell, so an unquoted shell operator or expansion character
 * ({@code ; | & < > ( ) ` $ * ? [ ] { } ~}, and {@code #} at the start of a word) would not do what
 * the caller expects. Such a character is rejected rather than passed on silently; quoting it
 * passes it literally. Control characters (below U+0020 except tab, and U+007F) are rejected
 * everywhere, quoted or not. Lines over {@value #MAX_BYTES} UTF-8 bytes or with more than {@value
 * #MAX_WORDS} words are rejected.
 */
public final class CommandWords {
  /** Largest accepted line, in UTF-8 bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  /** Largest accepted number of words. */
  public static final int MAX_WORDS = 1024;

  private static final String SHELL_CHARS = ";|&<>()`$*?[]{}~";

  private CommandWords() {}

  /**
   * Splits {@code line} into words.
   *
   * @return the words, at least one, never null
   * @throws CommandSyntaxException if the line is blank, too long, has too many words, contains a
   *     control character or an unquoted shell operator, or ends inside a quote or after a
   *     backslash
   */
  public static List<String> split(String line) throws CommandSyntaxException {
    checkLength(line);
    List<String> words = new Splitter(line).run();
    if (words.isEmpty()) {
      throw new CommandSyntaxException("empty command", 0);
    }
    return List.copyOf(words);
  }

  private static void checkLength(String line) throws CommandSyntaxException {
    // A char is at most 3 UTF-8 bytes, so only long lines need encoding to measure.
    if (line.length() > MAX_BYTES / 3 && line.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new CommandSyntaxException("command line is longer than " + MAX_BYTES + " bytes", 0);
    }
  }

  /** One pass over the line; holds the word being built. */
  private static final class Splitter {
    private final String line;
    private final List<String> words = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private boolean inWord;
    private int pos;

    Splitter(String line) {
      this.line = line;
    }

    List<String> run() throws CommandSyntaxException {
      while (pos < line.length()) {
        char c = line.charAt(pos);
        checkControl(c, pos);
        if (c == ' ' || c == '\t') {
          endWord();
          pos++;
        } else if (c == '\'') {
          singleQuoted();
        } else if (c == '"') {
          doubleQuoted();
        } else if (c == '\\') {
          escaped();
        } else {
          checkUnquoted(c);
          append(c);
          pos++;
        }
      }
      endWord();
      return words;
    }

    private void singleQuoted() throws CommandSyntaxException {
      int open = pos++;
      inWord = true;
      while (true) {
        char c = charInQuote(open, '\'');
        pos++;
        if (c == '\'') {
          return;
        }
        word.append(c);
      }
    }

    private void doubleQuoted() throws CommandSyntaxException {
      int open = pos++;
      inWord = true;
      while (true) {
        char c = charInQuote(open, '"');
        pos++;
        if (c == '"') {
          return;
        }
        if (c == '\\'
            && pos < line.length()
            && (line.charAt(pos) == '"' || line.charAt(pos) == '\\')) {
          c = line.charAt(pos++);
        }
        word.append(c);
      }
    }

    private char charInQuote(int open, char quote) throws CommandSyntaxException {
      if (pos >= line.length()) {
        throw new CommandSyntaxException(
            "unterminated " + quote + " quote opened at column " + (open + 1), open + 1);
      }
      char c = line.charAt(pos);
      checkControl(c, pos);
      return c;
    }

    private void escaped() throws CommandSyntaxException {
      if (pos + 1 >= line.length()) {
        throw new CommandSyntaxException("trailing backslash at column " + (pos + 1), pos + 1);
      }
      char c = line.charAt(pos + 1);
      checkControl(c, pos + 1);
      append(c);
      pos += 2;
    }

    private void checkUnquoted(char c) throws CommandSyntaxException {
      if (SHELL_CHARS.indexOf(c) >= 0 || (c == '#' && !inWord)) {
        throw new CommandSyntaxException(
            "'"
                + c
                + "' at column "
                + (pos + 1)
                + " is not allowed: rcx never runs commands through a shell,"
                + " so shell operators and expansions have no effect; quote it ('"
                + c
                + "') to pass it literally",
            pos + 1);
      }
    }

    private void append(char c) {
      word.append(c);
      inWord = true;
    }

    private void endWord() throws CommandSyntaxException {
      if (!inWord) {
        return;
      }
      if (words.size() == MAX_WORDS) {
        throw new CommandSyntaxException("command has more than " + MAX_WORDS + " words", 0);
      }
      words.add(word.toString());
      word.setLength(0);
      inWord = false;
    }

    private static void checkControl(char c, int at) throws CommandSyntaxException {
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        String what = c == '\n' || c == '\r' ? "line break" : "control character";
        throw new CommandSyntaxException(
            String.format(
                "%s U+%04X at column %d is not allowed: rcx runs a single command and never uses a shell",
                what, (int) c, at + 1),
            at + 1);
      }
    }
  }
}
