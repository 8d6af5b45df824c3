package dev.rcx.syslog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads audit records in seq order from the log file(s), from a committed position on: only whole
 * lines (a line still being written is left for later), never past what the writer has written. The
 * files come from a supplier (oldest first, the live file last) that is asked again when the
 * current file has nothing new, so when the log is rotated (the current file closed and a next one
 * started) the reader finishes the closed file and goes on with the next. Not thread-safe: one
 * forwarder thread owns it.
 */
final class RecordReader implements Closeable {
  /** A line longer than this is skipped (the writer never writes one; see AuditLog). */
  static final int MAX_LINE = 16 << 20;

  private static final int CHUNK = 1 << 20;

  /** Where {@link #seek} put the reader, relative to the cursor. */
  sealed interface Start {
    /** No cursor yet: every record in the files is sent, from {@code firstSeq}. */
    record Fresh(long firstSeq) implements Start {}

    /** Right after the cursor's record. */
    record Resumed(long afterSeq) implements Start {}

    /**
     * The cursor names a record these files do not hold (the log was moved aside and a new one
     * started): every record is sent from the start.
     */
    record Replaced(long cursorSeq, String why) implements Start {}

    /**
     * Records after the cursor are no longer in the files (archived or deleted before they were
     * sent): sending goes on from {@code firstSeq}.
     */
    record Missing(long fromSeq, long toSeq) implements Start {}
  }

  /** Records read but not committed, and the offset just past the last whole line read. */
  record Batch(List<LogRecord> records, long end) {
    Batch {
      records = List.copyOf(records);
    }

    @Nullable LogRecord last() {
      return records.isEmpty() ? null : records.get(records.size() - 1);
    }
  }

  private final Supplier<List<Path>> files;
  private final Consumer<String> problem;
  private ByteBuffer buf = ByteBuffer.allocate(CHUNK);
  private @Nullable FileChannel channel;
  private @Nullable Path path;
  private @Nullable Object fileKey;
  private long offset;
  private long seq;

  /**
   * @param files the log's files, oldest first, the one being written last
   * @param problem told about lines that are not records and records that are missing
   */
  RecordReader(Supplier<List<Path>> files, Consumer<String> problem) {
    this.files = files;
    this.problem = problem;
  }

  /** The seq of the last record committed (0 before any). */
  long seq() {
    return seq;
  }

  /** The file being read, if any. */
  @Nullable Path path() {
    return path;
  }

  /** Positions the reader right after {@code cursor}'s record, or at the start when it is null. */
  Start seek(Cursor.@Nullable Position cursor) throws IOException {
    List<Path> list = existing();
    if (list.isEmpty()) {
      seq = cursor == null ? 0 : cursor.seq();
      return cursor == null ? new Start.Fresh(1) : new Start.Resumed(cursor.seq());
    }
    if (cursor == null) {
      return startOver(list, null);
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      LogRecord first = first(list.get(i));
      if (first == null || first.seq() > cursor.seq()) {
        continue;
      }
      open(list.get(i), 0, first.seq() - 1);
      while (true) {
        Batch b = read(1024);
        if (b.records().isEmpty() && b.end() == offset) {
          return startOver(
              list, "the log ends at seq " + seq + ", before the cursor's seq " + cursor.seq());
        }
        for (LogRecord r : b.records()) {
          if (r.seq() > cursor.seq()) {
            return startOver(list, "the log has no record with the cursor's seq " + cursor.seq());
          }
          if (r.seq() == cursor.seq()) {
            if (!r.hash().equals(cursor.hash())) {
              return startOver(
                  list, "the record with the cursor's seq " + cursor.seq() + " is another record");
            }
            offset = r.end();
            seq = r.seq();
            return new Start.Resumed(seq);
          }
        }
        commit(b);
      }
    }
    // Every file starts after the cursor: seamless if the first one starts right after it.
    LogRecord first = Objects.requireNonNull(first(list.get(0)));
    open(list.get(0), 0, first.seq() - 1);
    return first.seq() == cursor.seq() + 1
        ? new Start.Resumed(cursor.seq())
        : new Start.Missing(cursor.seq() + 1, first.seq() - 1);
  }

  private Start startOver(List<Path> list, @Nullable String why) throws IOException {
    LogRecord first = first(list.get(0));
    long firstSeq = first == null ? 1 : first.seq();
    open(list.get(0), 0, firstSeq - 1);
    if (why != null) {
      return new Start.Replaced(seq, why);
    }
    return firstSeq > 1 ? new Start.Missing(1, firstSeq - 1) : new Start.Fresh(firstSeq);
  }

  /**
   * Up to {@code max} whole records after the committed position, in order; nothing moves until
   * {@link #commit}. When the current file has nothing new and a later file exists, goes on with
   * the later file.
   */
  Batch peek(int max) throws IOException {
    if (channel == null) {
      List<Path> list = existing();
      if (list.isEmpty()) {
        return new Batch(List.of(), 0);
      }
      open(list.get(0), 0, seq);
    }
    Batch b = read(max);
    if (!b.records().isEmpty() || b.end() != offset) {
      return b;
    }
    Path next = nextFile();
    if (next == null) {
      return b;
    }
    // A later file exists, so this one is closed; read it to its end once more first.
    b = read(max);
    if (!b.records().isEmpty() || b.end() != offset) {
      return b;
    }
    open(next, 0, seq);
    b = read(max);
    LogRecord first = b.records().isEmpty() ? null : b.records().get(0);
    if (first != null && first.seq() != seq + 1) {
      problem.accept(
          first.seq() > seq + 1
              ? "records "
                  + (seq + 1)
                  + ".."
                  + (first.seq() - 1)
                  + " are not in the log files (a file is missing); going on at seq "
                  + first.seq()
              : "file " + next + " starts at seq " + first.seq() + ", after seq " + seq);
    }
    return b;
  }

  /** Moves the committed position past {@code b}. */
  void commit(Batch b) {
    offset = b.end();
    LogRecord last = b.last();
    if (last != null) {
      seq = last.seq();
    }
  }

  /** The file after the current one in the list, or null. */
  private @Nullable Path nextFile() throws IOException {
    List<Path> list = existing();
    for (int i = 0; i < list.size() - 1; i++) {
      if (Objects.equals(key(list.get(i)), fileKey)) {
        return list.get(i + 1);
      }
    }
    return null;
  }

  private List<Path> existing() {
    List<Path> out = new ArrayList<>();
    for (Path p : files.get()) {
      if (Files.exists(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private static @Nullable Object key(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private void open(Path p, long at, long seqBefore) throws IOException {
    close();
    channel = FileChannel.open(p, StandardOpenOption.READ);
    path = p;
    fileKey = key(p);
    offset = at;
    seq = seqBefore;
  }

  private @Nullable LogRecord first(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      Batch b = read(ch, p, 0, 1);
      return b.last();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private Batch read(int max) throws IOException {
    return read(Objects.requireNonNull(channel), Objects.requireNonNull(path), offset, max);
  }

  /**
   * Whole lines from {@code from} on, up to {@code max} records; lines that are not records are
   * reported and passed over (their bytes count in {@link Batch#end()}).
   */
  private Batch read(FileChannel ch, Path p, long from, int max) throws IOException {
    List<LogRecord> out = new ArrayList<>();
    long end = from;
    while (out.size() < max) {
      buf.clear();
      int len = fill(ch, end);
      byte[] a = buf.array();
      int lineStart = 0;
      for (int i = 0; i < len && out.size() < max; i++) {
        if (a[i] == '\n') {
          long lineEnd = end + i + 1;
          try {
            out.add(LogRecord.parse(a, lineStart, i, lineEnd));
          } catch (IllegalArgumentException e) {
            problem.accept(
                "the line at byte "
                    + (end + lineStart)
                    + " of "
                    + p
                    + " is not a record ("
                    + e.getMessage()
                    + "); not forwarded");
          }
          lineStart = i + 1;
        }
      }
      if (lineStart == 0) {
        if (len < buf.capacity()) {
          break; // nothing, or a line still being written
        }
        if (buf.capacity() < MAX_LINE) {
          buf = ByteBuffer.allocate(Math.min(MAX_LINE, buf.capacity() * 2));
          continue;
        }
        long skipped = skipLine(ch, end + len);
        if (skipped < 0) {
          break;
        }
        problem.accept(
            "the line at byte "
                + end
                + " of "
                + p
                + " is longer than "
                + MAX_LINE
                + " bytes; not forwarded");
        end = skipped;
        continue;
      }
      end += lineStart;
      if (len < buf.capacity()) {
        break;
      }
    }
    return new Batch(out, end);
  }

  /** Reads from {@code at} until the buffer is full or the file ends; returns the bytes read. */
  private int fill(FileChannel ch, long at) throws IOException {
    long p = at;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n <= 0) {
        break;
      }
      p += n;
    }
    return buf.position();
  }

  /** The offset just past the next newline at or after {@code from}, or -1 if none yet. */
  private long skipLine(FileChannel ch, long from) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(CHUNK);
    long p = from;
    while (true) {
      b.clear();
      int n = ch.read(b, p);
      if (n <= 0) {
        return -1;
      }
      for (int i = 0; i < n; i++) {
        if (b.get(i) == '\n') {
          return p + i + 1;
        }
      }
      p += n;
    }
  }

  @Override
  public void close() throws IOException {
    FileChannel ch = channel;
    channel = null;
    path = null;
    fileKey = null;
    if (ch != null) {
      ch.close();
    }
  }
}
