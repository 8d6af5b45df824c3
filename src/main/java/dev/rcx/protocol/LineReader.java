package dev.rcx.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads newline-terminated lines of at most {@code maxBytes} bytes (the newline and an optional preceding CR not
 * counted). Unlike {@code BufferedReader.readLine()} no buffer grows past the limit. Not thread-safe, except {@link
 * #lineStartedNanos()}, which a watchdog may read from another thread to time out a line that starts but never ends.
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
        lineStartedNanos = chunkPos < chunkLen ? System.nanoTime() : 0;
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

  /** When the current unfinished line began ({@link System#nanoTime()}), or 0 when between lines. */
  public long lineStartedNanos() {
    return lineStartedNanos;
  }
}
