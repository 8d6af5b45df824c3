package dev.rcx.cli;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts one output stream of one host into lines as its bytes arrive in pieces of any size: each
 * complete line goes out at once, and the partial last line waits for the rest (or for {@link
 * #finish}). A line longer than {@link #MAX_LINE} bytes goes out in pieces of at most that size,
 * cut between UTF-8 characters, so a stream without newlines is never held without bound. Not
 * thread-safe.
 */
final class LineSplitter {
  /** The longest piece held while waiting for a newline. */
  static final int MAX_LINE = 64 * 1024;

  private final int maxLine;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  LineSplitter() {
    this(MAX_LINE);
  }

  LineSplitter(int maxLine) {
    if (maxLine < 4) {
      throw new IllegalArgumentException("maxLine must be at least 4 bytes but was " + maxLine);
    }
    this.maxLine = maxLine;
  }

  /** Takes the next bytes of the stream; {@code line} gets each completed line, without '\n'. */
  void feed(byte[] bytes, Consumer<byte[]> line) {
    int from = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        partial.write(bytes, from, i - from);
        emit(line);
        from = i + 1;
      } else if (partial.size() + (i - from) >= maxLine) {
        partial.write(bytes, from, i - from);
        from = i;
        cutLongLine(line);
      }
    }
    partial.write(bytes, from, bytes.length - from);
  }

  /** The stream ended: {@code line} gets the partial last line, if any. */
  void finish(Consumer<byte[]> line) {
    if (partial.size() > 0) {
      emit(line);
    }
  }

  private void emit(Consumer<byte[]> line) {
    byte[] b = partial.toByteArray();
    partial.reset();
    line.accept(b);
  }

  /** Sends the held bytes up to the last whole UTF-8 character; keeps an incomplete one. */
  private void cutLongLine(Consumer<byte[]> line) {
    byte[] b = partial.toByteArray();
    int cut = characterBoundary(b);
    partial.reset();
    partial.write(b, cut, b.length - cut);
    line.accept(Arrays.copyOf(b, cut));
  }

  /**
   * The end of the last complete UTF-8 character in {@code b}: a trailing lead byte and its
   * continuation bytes are left out while the character is still incomplete. Bytes that are not
   * UTF-8 at all are cut anywhere.
   */
  static int characterBoundary(byte[] b) {
    int end = b.length;
    for (int back = 1; back <= 3 && end - back >= 0; back++) {
      int c = b[end - back] & 0xff;
      if ((c & 0xc0) == 0x80) {
        continue; // a continuation byte: look further back for its lead byte
      }
      int need = c >= 0xf8 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      return need > back ? end - back : end;
    }
    return end;
  }
}
