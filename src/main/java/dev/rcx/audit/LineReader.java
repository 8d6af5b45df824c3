package dev.rcx.audit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads a log as raw byte lines, so the hash chain sees exactly the bytes on disk. Not thread-safe.
 */
final class LineReader {
  /**
   * Longer lines are reported as {@link Line#overlong()}; the encoder never writes anything near
   * this.
   */
  static final int MAX_LINE = 8 << 20;

  /**
   * One line. {@code bytes[0..length)} holds it without the newline; {@code size} is its full
   * length, which exceeds {@code length} only when the line is overlong and was not kept whole.
   * {@code terminated} is false only for the last, incomplete line of a file.
   */
  // A view of the reader's buffer, valid until the next read: no copy per line.
  @SuppressWarnings("ArrayRecordComponent")
  record Line(byte[] bytes, int length, long size, boolean terminated) {
    boolean overlong() {
      return size > MAX_LINE;
    }
  }

  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;

  LineReader(InputStream in) {
    this.in = in;
  }

  /** The next line, or null at the end of the input. */
  @Nullable Line next() throws IOException {
    byte[] line = new byte[256];
    int length = 0;
    long total = 0;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          return total == 0 ? null : new Line(line, length, total, false);
        }
      }
      int start = pos;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      int n = pos - start;
      total += n;
      if (total <= MAX_LINE) {
        if (length + n > line.length) {
          line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
        }
        System.arraycopy(buf, start, line, length, n);
        length += n;
      }
      if (pos < limit) {
        pos++;
        return new Line(line, length, total, true);
      }
    }
  }
}
