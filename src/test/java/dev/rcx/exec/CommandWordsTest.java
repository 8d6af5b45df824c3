package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandWordsTest {

  private static List<String> split(String line) throws CommandSyntaxException {
    return CommandWords.split(line);
  }

  @Test
  void split_plainWords_splitOnSpacesAndTabs() throws Exception {
    assertThat(split("  ls   -l\t/tmp  ")).containsExactly("ls", "-l", "/tmp");
  }

  @Test
  void split_doubleQuotedSpace_staysOneWord() throws Exception {
    assertThat(split("\"a b\" c")).containsExactly("a b", "c");
  }

  @Test
  void split_adjacentParts_joinIntoOneWord() throws Exception {
    assertThat(split("a'b'\"c\"d")).containsExactly("abcd");
  }

  @Test
  void split_emptyQuotes_giveEmptyWord() throws Exception {
    assertThat(split("echo '' \"\"")).containsExactly("echo", "", "");
  }

  @Test
  void split_singleQuotedSubstitution_isLiteral() throws Exception {
    assertThat(split("echo '$(id)' '`id`' '; | & > * ~ #'"))
        .containsExactly("echo", "$(id)", "`id`", "; | & > * ~ #");
  }

  @Test
  void split_doubleQuotedVariable_isLiteral() throws Exception {
    assertThat(split("echo \"$HOME * ?\"")).containsExactly("echo", "$HOME * ?");
  }

  @Test
  void split_doubleQuoteEscapes_onlyQuoteAndBackslash() throws Exception {
    assertThat(split("echo \"a\\\"b\" \"c\\\\d\" \"e\\$f\" \"g\\nh\""))
        .containsExactly("echo", "a\"b", "c\\d", "e\\$f", "g\\nh");
  }

  @Test
  void split_singleQuotes_keepBackslashAndDoubleQuote() throws Exception {
    assertThat(split("echo 'a\\b\"c'")).containsExactly("echo", "a\\b\"c");
  }

  @Test
  void split_backslashOutsideQuotes_escapesNextChar() throws Exception {
    assertThat(split("echo a\\ b \\; \\$x \\\\ \\'"))
        .containsExactly("echo", "a b", ";", "$x", "\\", "'");
  }

  @Test
  void split_quotedTab_isKept() throws Exception {
    assertThat(split("echo 'a\tb'")).containsExactly("echo", "a\tb");
  }

  @Test
  void split_hashInsideWord_isLiteral() throws Exception {
    assertThat(split("echo a#b ''#c")).containsExactly("echo", "a#b", "#c");
  }

  @Test
  void split_unicode_isKept() throws Exception {
    assertThat(split("echo héllo 日本")).containsExactly("echo", "héllo", "日本");
  }

  @Test
  void split_semicolon_rejectedWithColumnAndAdvice() {
    assertThatThrownBy(() -> split("echo hi; id"))
        .isInstanceOf(CommandSyntaxException.class)
        .hasMessageContaining("';' at column 8")
        .hasMessageContaining("never runs commands through a shell")
        .hasMessageContaining("quote it")
        .extracting(e -> ((CommandSyntaxException) e).column())
        .isEqualTo(8);
  }

  @Test
  void split_commandSubstitution_rejected() {
    assertThatThrownBy(() -> split("echo $(id)")).hasMessageContaining("'$' at column 6");
  }

  @Test
  void split_backticks_rejected() {
    assertThatThrownBy(() -> split("echo `id`")).hasMessageContaining("'`' at column 6");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {";", "|", "&", "<", ">", "(", ")", "`", "$", "*", "?", "[", "]", "{", "}", "~"})
  void split_unquotedShellChar_rejected(String c) {
    assertThatThrownBy(() -> split("ls a" + c + "b"))
        .isInstanceOf(CommandSyntaxException.class)
        .hasMessageStartingWith("'" + c + "' at column 5");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ";", "|", "&", "<", ">", "(", ")", "`", "$", "*", "?", "[", "]", "{", "}", "~", "#"
      })
  void split_quotedShellChar_passesLiterally(String c) throws Exception {
    assertThat(split("ls '" + c + "' \"" + c + "\" \\" + c)).containsExactly("ls", c, c, c);
  }

  @Test
  void split_hashAtWordStart_rejected() {
    assertThatThrownBy(() -> split("ls #comment")).hasMessageStartingWith("'#' at column 4");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"echo a\nid", "echo a\rid", "echo 'a\nb'", "echo \"a\rb\"", "echo a\\\nb"})
  void split_lineBreak_rejectedEvenQuoted(String line) {
    assertThatThrownBy(() -> split(line))
        .isInstanceOf(CommandSyntaxException.class)
        .hasMessageContaining("line break U+000")
        .hasMessageContaining("never uses a shell");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"echo a\0b", "echo 'a\0b'", "echo \"\u0001\"", "echo \u001b[31m", "echo \u007f"})
  void split_controlCharacter_rejectedEvenQuoted(String line) {
    assertThatThrownBy(() -> split(line))
        .isInstanceOf(CommandSyntaxException.class)
        .hasMessageContaining("control character U+00");
  }

  @Test
  void split_nul_messageNamesCodeAndColumn() {
    assertThatThrownBy(() -> split("ab\0"))
        .hasMessageStartingWith("control character U+0000 at column 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"echo 'abc", "echo \"abc", "echo \"abc\\\"", "echo 'a'\"b"})
  void split_unterminatedQuote_rejected(String line) {
    assertThatThrownBy(() -> split(line))
        .isInstanceOf(CommandSyntaxException.class)
        .hasMessageStartingWith("unterminated");
  }

  @Test
  void split_trailingBackslash_rejected() {
    assertThatThrownBy(() -> split("echo a\\")).hasMessage("trailing backslash at column 7");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\t \t"})
  void split_blank_rejectedAsEmpty(String line) {
    assertThatThrownBy(() -> split(line)).hasMessage("empty command");
  }

  @Test
  void split_exactly64KiB_accepted() throws Exception {
    String line = "echo " + "x".repeat(CommandWords.MAX_BYTES - 5);
    assertThat(split(line)).hasSize(2);
  }

  @Test
  void split_over64KiB_rejected() {
    String line = "echo " + "x".repeat(CommandWords.MAX_BYTES - 4);
    assertThatThrownBy(() -> split(line)).hasMessageContaining("longer than 65536 bytes");
  }

  @Test
  void split_over64KiBInUtf8Bytes_rejected() {
    String line = "echo " + "é".repeat(CommandWords.MAX_BYTES / 2);
    assertThatThrownBy(() -> split(line)).hasMessageContaining("longer than 65536 bytes");
  }

  @Test
  void split_1024Words_accepted() throws Exception {
    assertThat(split("a ".repeat(CommandWords.MAX_WORDS))).hasSize(1024);
  }

  @Test
  void split_1025Words_rejected() {
    assertThatThrownBy(() -> split("a ".repeat(CommandWords.MAX_WORDS + 1)))
        .hasMessage("command has more than 1024 words");
  }

  @Test
  void split_result_isImmutable() throws Exception {
    List<String> words = split("a b");
    assertThatThrownBy(() -> words.add("c")).isInstanceOf(UnsupportedOperationException.class);
  }
}
