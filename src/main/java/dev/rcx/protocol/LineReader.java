package dev.rcx.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads newline-terminated lines of at most {@code maxBytes} bytes (the newline and an optional
 * preceding CR not counted). Unlike {@code BufferedReader.readLine()} no buffer grows past the
 * limit. Not thread-safe, except {@link #lineStartedNanos()}, which a watchdog may read from
 * another thread to time out a line that starts but never ends.
 */
public final class LineReader {
  private static final int CHUNK = 8192;

  private final InputStream in;
  private final int maxBytes;
  private final byte[] chunk = new byte[CHUNK];
  private int chunkPos;
  private int chunkLen;
  private byte[] line = new byte[256];
  private volatile long lineStartedNanos;

  public LineReader(InputStream in, int maxBytes) {
    if (maxBytes < 16) {
      throw new IllegalArgumentException("maxBytes must be at least 16 but was " + maxBytes);
    }
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /**
   * Returns the next line without its terminator, or null at a clean end of stream.
   *
   * @throws LineTooLongException if the line is longer than the limit
   * @throws EOFException if the stream ends in the middle of a line
   */
  public byte @Nullable [] readLine() throws IOException {
    int len = 0;
    while (true) {
      if (chunkPos == chunkLen) {
        if (len > 0 && lineStartedNanos == 0) {
          // Part of a line is in hand and the rest must come from the peer: from now on the peer is
          // the slow one.
          lineStartedNanos = System.nanoTime();
        }
        int n = in.read(chunk, 0, CHUNK);
        if (n < 0) {
          lineStartedNanos = 0;
          if (len == 0) {
            return null;
          }
          throw new EOFException("stream ended in the middle of a line (" + len + " bytes)");
        }
        chunkPos = 0;
        chunkLen = n;
        if (len == 0 && n > 0 && lineStartedNanos == 0) {
          lineStartedNanos = System.nanoTime();
        }
      }
      byte b = chunk[chunkPos++];
      if (b == '\n') {
        // Lines already buffered are not timed: the caller may stop reading for a while
        // (back-pressure), and that
        // time is not the peer's. A buffered partial line starts its clock when reading has to wait
        // (above).
        lineStartedNanos = 0;
        if (len > 0 && line[len - 1] == '\r') {
          len--;
        }
        if (len > maxBytes) {
          throw new LineTooLongException(maxBytes);
        }
        return Arrays.copyOf(line, len);
      }
      // One byte of slack for a CR that precedes the newline.
      if (len == maxBytes + 1) {
        lineStartedNanos = 0;
        throw new LineTooLongException(maxBytes);
      }
      if (len == line.length) {
        line = Arrays.copyOf(line, Math.min(line.length * 2, maxBytes + 1));
      }
      line[len++] = b;
    }
  }

  /**
   * Since when ({@link System#nanoTime()}) the current unfinished line has been waiting for more
   * bytes from the stream, or 0 when between lines or while complete lines are still buffered.
   */
  public long lineStartedNanos() {
    return lineStartedNanos;
  }
}
