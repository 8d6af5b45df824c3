package dev.rcx.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Makes one line of output printable beside a prefix when it is not valid UTF-8: each byte that is
 * not part of a valid UTF-8 character becomes {@code \xNN} (two lower-case hex digits) and, in such
 * a line only, each backslash becomes {@code \\}, so the escaped line still says exactly which
 * bytes were sent. A valid line is returned unchanged (the same array).
 */
final class Utf8Escape {
  private Utf8Escape() {}

  static byte[] escape(byte[] line) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(line);
    CharBuffer scratch = CharBuffer.allocate(Math.max(16, line.length));
    ByteArrayOutputStream out = null;
    int copied = 0;
    while (true) {
      CoderResult r = decoder.decode(in, scratch, /* endOfInput= */ true);
      scratch.clear();
      if (r.isUnderflow()) {
        break;
      }
      if (!r.isError()) {
        throw new IllegalStateException("UTF-8 decoder overflowed its scratch buffer: " + r);
      }
      if (out == null) {
        out = new ByteArrayOutputStream(line.length + 16);
      }
      copyEscapingBackslashes(line, copied, in.position(), out);
      for (int i = 0; i < r.length(); i++) {
        out.writeBytes(
            String.format("\\x%02x", in.get() & 0xff).getBytes(StandardCharsets.US_ASCII));
      }
      copied = in.position();
    }
    if (out == null) {
      return line; // valid UTF-8 throughout
    }
    copyEscapingBackslashes(line, copied, line.length, out);
    return out.toByteArray();
  }

  private static void copyEscapingBackslashes(
      byte[] line, int from, int to, ByteArrayOutputStream out) {
    for (int i = from; i < to; i++) {
      if (line[i] == '\\') {
        out.write('\\');
      }
      out.write(line[i]);
    }
  }
}
