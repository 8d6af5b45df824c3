package dev.rcx.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains one output stream of a process: keeps the first {@code cap} bytes and counts, then discards, the rest, so the
 * child never blocks on a full pipe. Runs on its own thread; the getters may be called from any thread at any time.
 */
final class CappedReader implements Runnable {
  private final InputStream in;
  private final int cap;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private long total;

  CappedReader(InputStream in, int cap) {
    this.in = in;
    this.cap = cap;
  }

  @Override
  public void run() {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        append(buffer, n);
      }
    } catch (IOException e) {
      // The stream was closed under us after a kill; what was read so far is the output.
    }
  }

  private synchronized void append(byte[] buffer, int n) {
    total += n;
    int room = cap - kept.size();
    if (room > 0) {
      kept.write(buffer, 0, Math.min(room, n));
    }
  }

  synchronized String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }

  synchronized long total() {
    return total;
  }

  synchronized boolean truncated() {
    return total > kept.size();
  }
}
