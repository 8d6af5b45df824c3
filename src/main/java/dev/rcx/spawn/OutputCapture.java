package dev.rcx.spawn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One output stream of a process: keeps the first {@code cap} bytes and counts all of them, and
 * tells the child's {@link OutputJournal} how many it kept, so a consumer can stream them in
 * arrival order. Written by one reader, read from any thread at any time.
 */
public final class OutputCapture {
  private final int cap;
  private final OutputJournal journal;
  private final int stream;
  private byte[] kept = new byte[0];
  private int size;
  private long total;

  /**
   * @param stream {@link OutputJournal#STDOUT} or {@link OutputJournal#STDERR}
   */
  OutputCapture(int cap, OutputJournal journal, int stream) {
    this.cap = cap;
    this.journal = journal;
    this.stream = stream;
  }

  public OutputJournal journal() {
    return journal;
  }

  /** How many more bytes will be kept. */
  synchronized int room() {
    return cap - size;
  }

  /**
   * Records that {@code read} bytes were read, of which the first {@code available} are in {@code
   * bytes}; keeps as many of those as there is room for.
   */
  void append(byte[] bytes, int available, int read) {
    int keep;
    synchronized (this) {
      total += read;
      keep = Math.min(cap - size, available);
      if (keep > 0) {
        if (size + keep > kept.length) {
          kept = Arrays.copyOf(kept, (int) Math.min(cap, Math.max(2L * kept.length, size + keep)));
        }
        System.arraycopy(bytes, 0, kept, size, keep);
        size += keep;
      }
    }
    // Outside this lock: the consumer takes the journal's lock and then this one, never the
    // reverse.
    journal.kept(stream, keep);
  }

  /** A copy of {@code length} kept bytes from {@code offset}. */
  public synchronized byte[] copy(long offset, int length) {
    return Arrays.copyOfRange(kept, (int) offset, (int) offset + length);
  }

  /** The kept bytes decoded as UTF-8, malformed sequences replaced (for logs and tests). */
  public synchronized String text() {
    return new String(kept, 0, size, StandardCharsets.UTF_8);
  }

  /** A copy of the kept bytes, exactly as the process wrote them. */
  public synchronized byte[] bytes() {
    return Arrays.copyOf(kept, size);
  }

  public synchronized long total() {
    return total;
  }

  public synchronized boolean truncated() {
    return total > size;
  }
}
