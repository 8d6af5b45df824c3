package dev.rcx.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One output stream of a process: keeps the first {@code cap} bytes and counts all of them. Written
 * by one reader, read from any thread at any time.
 */
final class OutputCapture {
  private final int cap;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private long total;

  OutputCapture(int cap) {
    this.cap = cap;
  }

  /** How many more bytes will be kept. */
  synchronized int room() {
    return cap - kept.size();
  }

  /**
   * Records that {@code read} bytes were read, of which the first {@code available} are in {@code
   * bytes}; keeps as many of those as there is room for.
   */
  synchronized void append(byte[] bytes, int available, int read) {
    total += read;
    int keep = Math.min(cap - kept.size(), available);
    if (keep > 0) {
      kept.write(bytes, 0, keep);
    }
  }

  /** The kept bytes decoded as UTF-8, malformed sequences replaced (for logs and tests). */
  synchronized String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }

  /** A copy of the kept bytes, exactly as the process wrote them. */
  synchronized byte[] bytes() {
    return kept.toByteArray();
  }

  synchronized long total() {
    return total;
  }

  synchronized boolean truncated() {
    return total > kept.size();
  }
}
