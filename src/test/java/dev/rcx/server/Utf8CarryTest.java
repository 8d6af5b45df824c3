package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8CarryTest {
  private static byte[] b(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void completeLength_holdsBackOnlyAnOpenSequence() {
    assertThat(Utf8Carry.completeLength(b('a', 'b'))).isEqualTo(2);
    assertThat(Utf8Carry.completeLength(b('a', 0xf0, 0x9f))).isEqualTo(1);
    assertThat(Utf8Carry.completeLength(b('a', 0xf0, 0x9f, 0x98))).isEqualTo(1);
    assertThat(Utf8Carry.completeLength(b('a', 0xf0, 0x9f, 0x98, 0x80))).isEqualTo(5);
    assertThat(Utf8Carry.completeLength(b(0xc3))).isZero();
    assertThat(Utf8Carry.completeLength(b(0xc3, 0xa9))).isEqualTo(2);
    // Never valid: not held back (it travels as base64 either way).
    assertThat(Utf8Carry.completeLength(b('a', 0xff))).isEqualTo(2);
    assertThat(Utf8Carry.completeLength(b(0x80, 0x80, 0x80))).isEqualTo(3);
  }

  @Test
  void next_textCutAnywhere_everyPieceIsValidUtf8_andNothingIsLost() {
    byte[] text =
        "h\u00e9llo \u20ac \uD83D\uDE00 w\u00f6rld ".repeat(50).getBytes(StandardCharsets.UTF_8);
    Random random = new Random(3);
    for (int round = 0; round < 50; round++) {
      Utf8Carry carry = new Utf8Carry();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      int off = 0;
      while (off < text.length) {
        int n = Math.min(text.length - off, 1 + random.nextInt(7));
        byte[] piece = carry.next(0, java.util.Arrays.copyOfRange(text, off, off + n));
        assertThat(dev.rcx.protocol.OutputData.of(piece).encoding()).isNull();
        all.writeBytes(piece);
        off += n;
      }
      all.writeBytes(carry.rest(0));
      assertThat(all.toByteArray()).isEqualTo(text);
    }
  }
}
