package dev.rcx.audit;

import dev.rcx.audit.AuditEvent.LogRecovered;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An append-only, hash-chained NDJSON audit log.
 *
 * <h2>Format</h2>
 * One JSON object per line, pure ASCII (non-ASCII characters are escaped), keys in this order: {@code seq} (1, 2, 3...),
 * {@code ts} (UTC, ISO-8601 with milliseconds, from the injected clock), {@code event}, {@code client}, {@code user},
 * {@code session}, the event's own fields in snake_case, then {@code prev}: the lowercase hex SHA-256 of the previous
 * line's exact bytes without its newline (64 zeros for the first line). Every key of an event type is always present;
 * absent values are JSON {@code null}.
 *
 * <h2>Concurrency</h2>
 * {@link #append} may be called from any thread. An event's JSON is built outside the lock; the lock covers only
 * framing (seq, ts, prev) and the {@code write} system call, which is held under the lock on purpose: records must reach
 * the file in seq order, and a write into the page cache takes microseconds. The file is also locked against a second
 * process ({@link FileChannel#tryLock}), since two writers would fork the chain.
 *
 * <h2>Crash recovery</h2>
 * {@link #open} continues the chain of an existing file. If the file ends in an incomplete line (a crash mid-write),
 * that line is copied to {@code <file>.torn-<timestamp>}, cut off, and a {@code log_recovered} record is appended.
 *
 * <h2>Failures</h2>
 * If a write fails the log stops accepting records (every later {@code append} throws), because the file may now end in
 * a partial line; reopening repairs it.
 */
public final class AuditLog implements AuditSink {
  private static final DateTimeFormatter TORN_STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path file;
  private final Clock clock;
  private final FileChannel channel;
  private final FileLock fileLock;
  private final ReentrantLock lock = new ReentrantLock();

  // Guarded by lock.
  private long seq;
  private byte[] lastHash = Hashes.ZERO;
  private long size;
  private boolean closed;
  private Exception failure;

  private AuditLog(Path file, Clock clock, FileChannel channel, FileLock fileLock) {
    this.file = file;
    this.clock = clock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /**
   * Opens {@code file} for appending, creating it (mode 600) if absent, or continuing its chain from the last complete
   * line. A torn last line is repaired as described in the class comment.
   *
   * @param clock the source of every record's {@code ts}
   * @throws AuditException if the file cannot be opened or locked, or its last complete line is not a record
   */
  public static AuditLog open(Path file, Clock clock) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(clock, "clock");
    FileChannel ch = null;
    try {
      ch = openChannel(file);
      FileLock fl = lockOrFail(file, ch);
      AuditLog log = new AuditLog(file, clock, ch, fl);
      log.resume();
      return log;
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch, e);
      if (e instanceof AuditException ae) {
        throw ae;
      }
      throw new AuditException("cannot open audit log " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileChannel openChannel(Path file) throws IOException {
    try {
      FileChannel ch = FileChannel.open(file,
          java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
          LogFiles.privateFile());
      LogFiles.fsyncDirectory(file.toAbsolutePath().getParent());
      return ch;
    } catch (FileAlreadyExistsException e) {
      return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
  }

  private static FileLock lockOrFail(Path file, FileChannel ch) throws IOException {
    FileLock fl;
    try {
      fl = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      fl = null;
    }
    if (fl == null) {
      throw new AuditException("audit log " + file + " is already open for writing (locked by another writer)");
    }
    return fl;
  }

  private static void closeQuietly(FileChannel ch, Exception primary) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        primary.addSuppressed(e);
      }
    }
  }

  /** Cuts a torn tail if there is one, then loads seq and hash from the last complete line. */
  private void resume() throws IOException {
    size = channel.size();
    long lastNewline = LogFiles.lastNewlineBefore(channel, size);
    LogRecovered recovered = null;
    if (lastNewline != size - 1) {
      recovered = cutTornTail(lastNewline + 1);
    }
    if (size > 0) {
      long start = LogFiles.lastNewlineBefore(channel, size - 1) + 1;
      byte[] line = LogFiles.read(channel, start, size - 1);
      try {
        seq = ParsedLine.parse(line, line.length).seq();
      } catch (IllegalArgumentException e) {
        throw new AuditException("cannot continue audit log " + file + ": its last line (at byte " + start
            + ") is not a valid record (" + e.getMessage() + "); run verify and move the file aside");
      }
      lastHash = Hashes.sha256(line, line.length);
    }
    if (recovered != null) {
      write(RecordEncoder.body(new LogRecovered(seq, recovered.droppedBytes(), recovered.tornFile())));
    }
  }

  private LogRecovered cutTornTail(long keep) throws IOException {
    long dropped = size - keep;
    Path torn = tornCopy();
    try (FileChannel out = FileChannel.open(torn,
        java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), LogFiles.privateFile())) {
      long done = 0;
      while (done < dropped) {
        done += channel.transferTo(keep + done, dropped - done, out);
      }
      out.force(true);
    }
    LogFiles.fsyncDirectory(torn.toAbsolutePath().getParent());
    channel.truncate(keep);
    channel.force(true);
    size = keep;
    return new LogRecovered(0, dropped, torn.getFileName().toString());
  }

  private Path tornCopy() {
    String base = file.getFileName() + ".torn-" + TORN_STAMP.format(clock.instant());
    Path candidate = file.resolveSibling(base);
    for (int i = 2; Files.exists(candidate); i++) {
      if (i > 1000) {
        throw new AuditException("cannot find a free name for the torn tail of " + file + " near " + base);
      }
      candidate = file.resolveSibling(base + "-" + i);
    }
    return candidate;
  }

  /**
   * Appends {@code event} and returns once its line has been written to the OS (it survives a crash of this process).
   *
   * @throws IllegalArgumentException for a {@code log_recovered} event, which only the log itself writes
   * @throws AuditException if the log is closed, or the write failed (now or earlier)
   */
  @Override
  public void append(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (event instanceof LogRecovered) {
      throw new IllegalArgumentException("log_recovered records are written by AuditLog itself");
    }
    byte[] body = RecordEncoder.body(event);
    lock.lock();
    try {
      write(body);
    } finally {
      lock.unlock();
    }
  }

  /** Frames and writes one record. Caller holds the lock (or is still constructing the log). */
  private void write(byte[] body) {
    if (closed) {
      throw new AuditException("audit log " + file + " is closed");
    }
    if (failure != null) {
      throw new AuditException("audit log " + file + " refuses records after an earlier write failure: "
          + failure.getMessage(), failure);
    }
    long next = seq + 1;
    byte[] line = RecordEncoder.line(next, clock.instant(), body, lastHash);
    ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
    try {
      LogFiles.writeFully(channel, buf, size);
    } catch (IOException | RuntimeException e) {
      failure = e;
      throw new AuditException("cannot write record seq " + next + " to audit log " + file + ": " + e.getMessage(), e);
    }
    size += buf.limit();
    seq = next;
    lastHash = Hashes.sha256(line, line.length);
  }

  /** The seq of the last record written, 0 for an empty log. */
  public long lastSeq() {
    lock.lock();
    try {
      return seq;
    } finally {
      lock.unlock();
    }
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  /** Forces the file to disk, releases the lock and closes it. Idempotent; later appends throw. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try (channel) {
        if (failure == null) {
          channel.force(true);
        }
        fileLock.release();
      } catch (IOException e) {
        throw new AuditException("cannot close audit log " + file + ": " + e.getMessage(), e);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks the hash chain of {@code file} without a key. This detects naive edits, removals, insertions and reorderings
   * (anything that does not recompute every later hash), but not an edit of the very last record, nor a rewrite of the
   * whole tail by someone who recomputes the chain.
   *
   * @throws AuditException if the file cannot be read
   */
  public static VerifyResult verify(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return ChainVerifier.run(new LineReader(in));
    } catch (IOException e) {
      throw new AuditException("cannot read audit log " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Renders one log line for people, e.g.
   * {@code 2026-11-27T10:00:00.123Z #42 command_run alice@127.0.0.1:5555 s=ab12cd34.. argv=[/usr/bin/ls, -la] exit=0 12ms}.
   * Control and bidi characters are shown escaped. A line that is not JSON is shown as {@code unparseable: ...}.
   */
  public static String describe(String jsonLine) {
    return Describer.describe(Objects.requireNonNull(jsonLine, "jsonLine"));
  }

  /**
   * The last {@code n} complete lines of {@code file}, oldest first, reading only the end of the file. An incomplete
   * last line is skipped.
   *
   * @throws AuditException if the file cannot be read
   */
  public static List<String> tail(Path file, int n) {
    try {
      return LogFiles.tail(file, n);
    } catch (IOException e) {
      throw new AuditException("cannot read audit log " + file + ": " + e.getMessage(), e);
    }
  }
}
