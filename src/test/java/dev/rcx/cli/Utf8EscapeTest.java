package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8EscapeTest {
  private static String escaped(byte[] line) {
    return new String(Utf8Escape.escape(line), StandardCharsets.UTF_8);
  }

  @Test
  void escape_validUtf8_sameBytesUntouched_backslashesToo() {
    byte[] line = "grüße \\n € 🙂".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8Escape.escape(line)).isSameAs(line);
  }

  @Test
  void escape_invalidBytes_shownAsHex_backslashDoubled_restKept() {
    byte[] line = {(byte) 0xff, (byte) 0xfe, 'a', '\\', 'b', (byte) 0xc3, (byte) 0xa9, (byte) 0x80};
    assertThat(escaped(line)).isEqualTo("\\xff\\xfea\\\\bé\\x80");
  }

  @Test
  void escape_truncatedCharacterAtEnd_eachByteShown() {
    byte[] line = {'o', 'k', (byte) 0xe2, (byte) 0x82};
    assertThat(escaped(line)).isEqualTo("ok\\xe2\\x82");
  }

  @Test
  void escape_surrogateEncodedInUtf8_isInvalid() {
    byte[] line = {(byte) 0xed, (byte) 0xa0, (byte) 0x80};
    assertThat(escaped(line)).isEqualTo("\\xed\\xa0\\x80");
  }
}
