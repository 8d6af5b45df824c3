package dev.rcx.audit;

import dev.rcx.audit.AuditEvent.LogRecovered;
import dev.rcx.audit.AuditEvent.Seal;
import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * An append-only, hash-chained, optionally sealed NDJSON audit log.
 *
 * <h2>Format</h2>
 *
 * One JSON object per line, pure ASCII (non-ASCII characters are escaped), keys in this order:
 * {@code seq} (1, 2, 3...), {@code ts} (UTC, ISO-8601 with milliseconds, from the injected clock),
 * {@code event}, {@code client}, {@code user}, {@code session}, the event's own fields in
 * snake_case, then {@code prev}: the lowercase hex SHA-256 of the previous line's exact bytes
 * without its newline (64 zeros for the first line), and in a sealed log {@code mac} (below). Every
 * key of an event type is always present; absent values are JSON {@code null}.
 *
 * <h2>Sealing (forward security)</h2>
 *
 * A sealed log (the default) is created with a random 32-byte key K_0, handed out once by {@link
 * #takeVerificationKey} as {@code rcx-audit-key:v1:<epoch-records>:<base64url K_0>} for the
 * operator to keep off this host. Each record carries {@code mac}: HMAC-SHA256 of the line without
 * the mac field, under a key derived from the current epoch key K_e. After {@code epochRecords}
 * records, after {@code sealInterval}, on {@link #seal()} and on {@link #close()}, the log writes a
 * {@code seal} record, forces the file to disk, computes K_{e+1} = HMAC-SHA256(K_e,
 * "rcx-audit-evolve:v1"), atomically replaces {@code <file>.key} (which holds only K_{e+1} and e+1)
 * and wipes K_e from memory. Whoever takes the host later can forge records of the current epoch
 * onwards, but cannot alter, insert into, reorder or cut off earlier sealed epochs without {@link
 * #verify(Path, String)} noticing. See the threat model in docs/SECURITY.md.
 *
 * <h2>Durability</h2>
 *
 * {@link Durability#FLUSH}: {@code append} returns after {@code write(2)}: survives a crash of this
 * process, not a power loss. {@link Durability#FSYNC}: {@code append} returns after the record is
 * forced to disk, with group commit: concurrent appenders share one force. Seals are always forced
 * before the key evolves, so the key file never claims more seals than the disk holds.
 *
 * <h2>Concurrency</h2>
 *
 * {@link #append} may be called from any thread. An event's JSON is built outside the lock; the
 * lock covers framing (seq, ts, prev, mac) and the {@code write} system call, held under the lock
 * on purpose: records must reach the file in seq order, and a write into the page cache takes
 * microseconds. FSYNC waits happen outside it ({@link GroupCommit}). A seal that ends a full epoch
 * (or the interval) writes its record and evolves the key in memory under the lock (so K_e is wiped
 * at once and later records are MAC'd under K_{e+1}), then leaves the force and the key file update
 * to one daemon thread, {@code rcx-audit-seal-writer}, which does them in seal order: appenders
 * never wait for a seal's fsyncs (they used to: every 1024 records every concurrent command waited
 * ~3 fsyncs, which was most of the server's p99). The key file is still written only after the
 * force, so it never claims a seal the disk does not hold; a crash in between is what {@link #open}
 * already completes. If that force or key update fails, every later append fails. {@link #seal()}
 * and {@link #close()} seal synchronously, after the pending writes. One daemon thread, {@code
 * rcx-audit-sealer}, seals on the interval. A second writer, in this process or another, is
 * refused: see {@link WriterLock} ({@code <file>.lock}).
 *
 * <h2>Crash recovery</h2>
 *
 * {@link #open} continues the chain of an existing file. If the file ends in an incomplete line (a
 * crash mid-write), that line is copied to {@code <file>.torn-<timestamp>}, cut off, and a {@code
 * log_recovered} record is appended. If a crash fell between a seal and the key file update, open
 * completes the update.
 *
 * <h2>Failures and recovery</h2>
 *
 * If a write fails (the disk is full, an I/O error), the file is cut back at once to the end of its
 * last whole record, so no partial record stays in the chain, and the log enters an outage: every
 * {@code append} throws {@link AuditUnavailableException} and is counted by event name. The {@code
 * rcx-audit-recovery} daemon thread retries every {@link #RETRY_INTERVAL}; its first write that
 * succeeds is an {@code audit_gap} record (when the outage began and ended, how many records of
 * each kind were refused, why, how many bytes were cut), and the log takes records again, with no
 * restart. Likewise, {@link #appendReserved} refuses start records while free space is below {@link
 * Options#minFreeBytes()}, and an {@code audit_gap} records those refusals once space is back. A
 * key file update that fails after its seal is on disk leaves the key file one epoch behind (what
 * {@link #open} repairs) and is retried the same way. Not recovered without a reopen: a failed
 * force (after a failed fsync Linux may have dropped the dirty pages, so what is on disk is
 * unknown) and a failed cut (the file may end in a partial record).
 */
public final class AuditLog implements AuditSink {
  private static final DateTimeFormatter TORN_STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How often a log in an outage retries writing. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

  /**
   * How a log is opened.
   *
   * @param durability when {@code append} returns; see {@link Durability}
   * @param sealed whether records carry MACs under a forward-secure key (needed for {@link
   *     #verify(Path, String)}); must match how the log was created
   * @param epochRecords records per key epoch (1..1,000,000); fixed when the log is created,
   *     ignored afterwards
   * @param sealInterval seal the current epoch at least this often while it has records; {@link
   *     Duration#ZERO} turns the timer off (then epochs end only when full, on {@link #seal()} or
   *     on close)
   * @param minFreeBytes see {@link #withMinFreeBytes}
   * @param maxFileBytes see {@link #withMaxFileBytes}
   */
  public record Options(
      Durability durability,
      boolean sealed,
      int epochRecords,
      Duration sealInterval,
      long minFreeBytes,
      long maxFileBytes) {
    public static final int DEFAULT_EPOCH_RECORDS = 64;
    public static final Duration DEFAULT_SEAL_INTERVAL = Duration.ofMinutes(5);

    /** The smallest {@code maxFileBytes} other than 0: room for a few records per file. */
    public static final long MIN_FILE_BYTES = 4096;

    public Options {
      Objects.requireNonNull(durability, "durability");
      Objects.requireNonNull(sealInterval, "sealInterval");
      if (epochRecords < 1 || epochRecords > 1_000_000) {
        throw new IllegalArgumentException(
            "epochRecords must be in 1..1000000, was " + epochRecords);
      }
      if (sealInterval.isNegative() || (!sealInterval.isZero() && sealInterval.toMillis() < 10)) {
        throw new IllegalArgumentException(
            "sealInterval must be zero (off) or at least 10 ms, was " + sealInterval);
      }
      if (minFreeBytes < 0) {
        throw new IllegalArgumentException("minFreeBytes must be >= 0, was " + minFreeBytes);
      }
      if (maxFileBytes != 0 && maxFileBytes < MIN_FILE_BYTES) {
        throw new IllegalArgumentException(
            "maxFileBytes must be 0 (no rotation) or at least "
                + MIN_FILE_BYTES
                + ", was "
                + maxFileBytes);
      }
    }

    /** Without rotation by size. */
    public Options(
        Durability durability,
        boolean sealed,
        int epochRecords,
        Duration sealInterval,
        long minFreeBytes) {
      this(durability, sealed, epochRecords, sealInterval, minFreeBytes, 0);
    }

    /** Without a free-space reserve or rotation by size. */
    public Options(Durability durability, boolean sealed, int epochRecords, Duration sealInterval) {
      this(durability, sealed, epochRecords, sealInterval, 0, 0);
    }

    /** Sealed, {@link Durability#FLUSH}, 64 records per epoch, sealed at least every 5 minutes. */
    public static Options defaults() {
      return new Options(Durability.FLUSH, true, DEFAULT_EPOCH_RECORDS, DEFAULT_SEAL_INTERVAL);
    }

    /** Hash chain only: no MACs, no key file, no seals. */
    public static Options unsealed() {
      return new Options(Durability.FLUSH, false, DEFAULT_EPOCH_RECORDS, Duration.ZERO);
    }

    public Options withDurability(Durability value) {
      return new Options(value, sealed, epochRecords, sealInterval, minFreeBytes, maxFileBytes);
    }

    public Options withEpochRecords(int value) {
      return new Options(durability, sealed, value, sealInterval, minFreeBytes, maxFileBytes);
    }

    public Options withSealInterval(Duration value) {
      return new Options(durability, sealed, epochRecords, value, minFreeBytes, maxFileBytes);
    }

    /**
     * Rotate before a record would take the current file past {@code value} bytes (0 = never by
     * size): the file is sealed, renamed as {@link AuditFiles#closedName} says, and the next one
     * starts with an {@code audit_rotated} record. Records the log writes itself (the closing seal,
     * gap and recovery records) may pass the limit by a few hundred bytes, and a file always takes
     * at least one record after its first, however long.
     */
    public Options withMaxFileBytes(long value) {
      return new Options(durability, sealed, epochRecords, sealInterval, minFreeBytes, value);
    }

    /**
     * Free bytes the log's file system must keep for {@link AuditLog#appendReserved} to write (0 =
     * no reserve): records of work already under way still fit when new work is refused.
     */
    public Options withMinFreeBytes(long value) {
      return new Options(durability, sealed, epochRecords, sealInterval, value, maxFileBytes);
    }
  }

  private final Path file;
  private final Path keyPath;
  private final Clock clock;
  private final Options options;

  /**
   * The current file. Replaced only under the lock, by a rotation, after the old file was forced;
   * read without the lock by group-commit forces (see {@link #forceCurrent}).
   */
  private volatile FileChannel channel;

  private final WriterLock writerLock;
  private final ReentrantLock lock = new ReentrantLock();
  private final @Nullable GroupCommit commit;
  private volatile long writtenSeq;
  private @Nullable ScheduledExecutorService sealer;

  /** Runs the force and key file update of asynchronous seals, one at a time, in order. */
  private final Executor sealWriter;

  private final @Nullable ExecutorService ownSealWriter;

  /** The first failure of an asynchronous seal's force or key update; later appends refuse. */
  private volatile @Nullable Exception sealWriteFailure;

  /** Completes when every asynchronous seal submitted so far is on disk. Guarded by lock. */
  private CompletableFuture<Void> sealWrites = CompletableFuture.completedFuture(null);

  // Guarded by lock.
  private long seq;
  private byte[] lastHash = Hashes.ZERO;
  private long size;
  private boolean closed;
  private @Nullable Exception failure;
  private @Nullable EpochKeys keys;
  private @Nullable String keyId;
  private int epochRecords;
  private long recordsInEpoch;
  private @Nullable String verificationKey;
  private @Nullable Gap outage; // writes fail: everything is refused
  private @Nullable Gap reserveGap; // free space below the reserve: start records are refused
  private boolean keyFilePending; // a seal is on disk but the key file still holds the old key
  private @Nullable ScheduledExecutorService recovery;
  private long fileFirstSeq; // seq of the current file's first record; 0 while it has none
  private long firstLineEnd; // bytes of the current file's first record, newline included
  private @Nullable Set<String> openCommands; // command ids started, not ended; null: not tracked
  private @Nullable PendingRotation pendingRotation; // the file was renamed; its successor is due

  /** The file system of the log's directory, for {@link #usableSpace}; null until first asked. */
  private volatile @Nullable FileStore directoryStore;

  private AuditLog(
      Path file,
      Clock clock,
      Options options,
      FileChannel channel,
      WriterLock writerLock,
      @Nullable Executor sealWriter) {
    if (sealWriter == null) {
      this.ownSealWriter =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "rcx-audit-seal-writer");
                t.setDaemon(true);
                return t;
              });
      this.sealWriter = ownSealWriter;
    } else {
      this.ownSealWriter = null;
      this.sealWriter = sealWriter;
    }
    this.file = file;
    this.keyPath = KeyFile.pathFor(file);
    this.clock = clock;
    this.options = options;
    this.channel = channel;
    this.writerLock = writerLock;
    this.commit =
        options.durability() == Durability.FSYNC
            ? new GroupCommit(() -> writtenSeq, this::forceCurrent, 0)
            : null;
  }

  /** {@code open(file, clock, Options.defaults())}: a sealed log with {@link Durability#FLUSH}. */
  public static AuditLog open(Path file, Clock clock) {
    return open(file, clock, Options.defaults());
  }

  /**
   * Opens {@code file} for appending, creating it (mode 600) if absent, or continuing its chain
   * from the last complete line. A torn last line is repaired as described in the class comment.
   * For a sealed log that this call creates, the verification key is available once from {@link
   * #takeVerificationKey()}.
   *
   * @param clock the source of every record's {@code ts}
   * @throws AuditException if the file cannot be opened or locked, its last complete line is not a
   *     record, or its sealing state does not fit {@code options} or its key file (a missing, older
   *     or newer key file is refused: that is what tampering looks like)
   */
  public static AuditLog open(Path file, Clock clock, Options options) {
    return open(file, clock, options, null);
  }

  /**
   * {@link #open(Path, Clock, Options)} with the executor that forces asynchronous seals and writes
   * their key files (tests hold it to show appends do not wait for them); null for the log's own
   * thread.
   */
  static AuditLog open(Path file, Clock clock, Options options, @Nullable Executor sealWriter) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(options, "options");
    WriterLock writer = null;
    FileChannel ch = null;
    AuditLog log = null;
    try {
      writer = WriterLock.acquire(file);
      ch = openChannel(file);
      log = new AuditLog(file, clock, options, ch, writer, sealWriter);
      log.resume();
      log.startSealer();
      return log;
    } catch (IOException | RuntimeException e) {
      if (log != null && log.keys != null) {
        log.keys.close();
      }
      if (log != null && log.recovery != null) {
        log.recovery.shutdownNow();
      }
      if (log != null && log.ownSealWriter != null) {
        log.ownSealWriter.shutdownNow();
      }
      closeQuietly(ch, e);
      closeQuietly(writer, e);
      if (e instanceof AuditException ae) {
        throw ae;
      }
      throw new AuditException("cannot open audit log " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileChannel openChannel(Path file) throws IOException {
    try {
      FileChannel ch =
          FileChannel.open(
              file,
              Set.of(
                  StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
              LogFiles.privateFile());
      AtomicFiles.fsyncDirectory(AtomicFiles.directoryOf(file));
      return ch;
    } catch (FileAlreadyExistsException e) {
      return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
  }

  private static void closeQuietly(java.io.@Nullable Closeable c, Exception primary) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        primary.addSuppressed(e);
      }
    }
  }

  /**
   * Cuts a torn tail, loads seq and hash from the last complete line, sets up the keys, records any
   * recovery.
   */
  private void resume() throws IOException {
    // Every check runs on the complete lines before the torn tail (if any) is cut, so a refused
    // open changes nothing.
    long fileSize = channel.size();
    size = LogFiles.lastNewlineBefore(channel, fileSize) + 1;
    AuditFiles.Segment continued = null; // the closed file this one continues, when it is empty
    LastLine last = null;
    if (size > 0) {
      last = LastLine.of(channel, size, file);
      readFirstLine();
    } else {
      List<AuditFiles.Segment> closed = AuditFiles.closed(file);
      if (!closed.isEmpty()) {
        // A rotation renamed the file and stopped (a crash, a full disk) before its successor
        // held a record: this file continues the chain of the newest closed one.
        continued = closed.getLast();
      }
    }
    FileChannel scanned = channel;
    long scannedSize = size;
    FileChannel closedChannel = null;
    try {
      if (continued != null) {
        closedChannel = FileChannel.open(continued.path(), StandardOpenOption.READ);
        scannedSize = closedChannel.size();
        if (LogFiles.lastNewlineBefore(closedChannel, scannedSize) + 1 != scannedSize
            || scannedSize == 0) {
          throw new AuditException(
              "cannot continue audit log "
                  + file
                  + " from "
                  + continued.path()
                  + ": that closed file is empty or ends in an incomplete line, so it was damaged"
                  + " after it was closed; run verify");
        }
        scanned = closedChannel;
        last = LastLine.of(closedChannel, scannedSize, continued.path());
      }
      boolean hasRecords = last != null;
      boolean lastHasMac = last != null && last.hasMac();
      if (last != null) {
        seq = last.seq();
        lastHash = last.hash();
      }
      writtenSeq = seq;
      if (options.sealed()) {
        resumeKeys(hasRecords, lastHasMac, scanned, scannedSize);
      } else if (lastHasMac || Files.exists(keyPath)) {
        throw new AuditException(
            "audit log "
                + file
                + " is sealed (it has MACs or a key file "
                + keyPath.getFileName()
                + "); open it with sealing on");
      }
    } finally {
      if (closedChannel != null) {
        closedChannel.close();
      }
    }
    if (options.maxFileBytes() > 0) {
      trackOpenCommands();
    }
    LogRecovered recovered = fileSize > size ? cutTornTail(size, fileSize) : null;
    long lastGood = seq;
    if (continued != null) {
      pendingRotation = new PendingRotation(continued.name(), AuditEvent.AuditRotated.RESUMED);
      startNextFile();
    }
    if (recovered != null) {
      writeRecord(
          RecordEncoder.body(
              new LogRecovered(lastGood, recovered.droppedBytes(), recovered.tornFile())),
          false,
          null);
      sealIfFull();
    }
    if (commit != null) {
      channel.force(true);
      commit.markDurable(seq);
    }
  }

  /** The last complete line of a file: its seq, hash and whether it carries a MAC. */
  @SuppressWarnings("ArrayRecordComponent") // private; the hash is never compared as a record
  private record LastLine(long seq, byte[] hash, boolean hasMac) {
    static LastLine of(FileChannel ch, long size, Path file) throws IOException {
      long start = LogFiles.lastNewlineBefore(ch, size - 1) + 1;
      byte[] line = LogFiles.read(ch, start, size - 1);
      long seq;
      try {
        seq = ParsedLine.parse(line, line.length).seq();
      } catch (IllegalArgumentException e) {
        throw new AuditException(
            "cannot continue audit log "
                + file
                + ": its last line (at byte "
                + start
                + ") is not a valid record ("
                + e.getMessage()
                + "); run verify and move the file aside");
      }
      return new LastLine(
          seq,
          Hashes.sha256(line, line.length),
          RecordEncoder.unsignedLength(line, line.length) >= 0);
    }
  }

  /** Caller holds the lock (or is opening). Notes where the current file's first record ends. */
  private void readFirstLine() throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, LineReader.MAX_LINE + 1L));
    long pos = 0;
    while (buf.hasRemaining()) {
      int r = channel.read(buf, pos);
      if (r < 0) {
        break;
      }
      for (int i = (int) pos; i < buf.position(); i++) {
        if (buf.get(i) == '\n') {
          firstLineEnd = i + 1L;
          byte[] line = java.util.Arrays.copyOf(buf.array(), i);
          try {
            fileFirstSeq = ParsedLine.parse(line, line.length).seq();
          } catch (IllegalArgumentException e) {
            fileFirstSeq = 0; // verify reports it; rotation then names the file by its last seq
          }
          return;
        }
      }
      pos = buf.position();
    }
    firstLineEnd = size;
  }

  private void resumeKeys(
      boolean hasRecords, boolean lastHasMac, FileChannel scanned, long scannedSize)
      throws IOException {
    KeyFile.State state = KeyFile.read(keyPath);
    if (state == null) {
      if (hasRecords) {
        throw new AuditException(
            "audit log "
                + file
                + " has records but no key file "
                + keyPath.getFileName()
                + ": the key file was deleted, or the log was created unsealed; move the log aside to start a new one");
      }
      createKeys();
      return;
    }
    keys = new EpochKeys(state.key(), state.epoch());
    keyId = state.keyId();
    epochRecords = state.epochRecords();
    if (hasRecords && !lastHasMac) {
      throw new AuditException(
          "audit log "
              + file
              + " has a key file but its last record has no mac: it was"
              + " written unsealed or rewritten; run verify with the verification key");
    }
    SealScan scan;
    try {
      scan = SealScan.scan(scanned, scannedSize);
    } catch (IOException e) {
      throw new AuditException(
          "cannot continue audit log " + file + ": " + e.getMessage() + "; run verify", e);
    }
    if (scan.keyId() != null && !scan.keyId().equals(keyId)) {
      throw new AuditException(
          "audit log "
              + file
              + " was sealed with key id "
              + scan.keyId()
              + " but its key file"
              + " holds key id "
              + keyId
              + ": the key file belongs to another log");
    }
    reconcile(state.epoch(), scan.sealedEpochs());
    recordsInEpoch = scan.recordsAfter();
  }

  /**
   * Lines up the key file's epoch f with the s seals in the log; see the threat model for why each
   * case is refused.
   */
  private void reconcile(long f, long s) throws IOException {
    if (f == s - 1) {
      // The writer died between forcing a seal and replacing the key file: finish that step.
      sealedKeys().evolve();
      writeKeyFile();
    } else if (f > s) {
      throw new AuditException(
          "audit log "
              + file
              + " holds "
              + s
              + " seals but its key file says "
              + f
              + " were made: sealed records were removed from the end of the log (or the key file was advanced);"
              + " run verify with the verification key");
    } else if (f < s - 1) {
      throw new AuditException(
          "the key file of audit log "
              + file
              + " is at epoch "
              + f
              + " but the log holds "
              + s
              + " seals: the key file is an old copy; refusing to reuse an old key");
    }
  }

  private void createKeys() throws IOException {
    byte[] k0 = new byte[EpochKeys.KEY_BYTES];
    RANDOM.nextBytes(k0);
    keyId = EpochKeys.keyId(k0);
    epochRecords = options.epochRecords();
    KeyFile.write(keyPath, keyId, epochRecords, 0, k0);
    verificationKey = VerificationKey.format(epochRecords, k0);
    keys = new EpochKeys(k0, 0);
    recordsInEpoch = 0;
  }

  private void writeKeyFile() throws IOException {
    EpochKeys k = sealedKeys();
    byte[] key = k.keyCopy();
    try {
      KeyFile.write(keyPath, sealedKeyId(), epochRecords, k.epoch(), key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private LogRecovered cutTornTail(long keep, long fileSize) throws IOException {
    long dropped = fileSize - keep;
    Path torn = tornCopy();
    try (FileChannel out =
        FileChannel.open(
            torn,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            LogFiles.privateFile())) {
      long done = 0;
      while (done < dropped) {
        done += channel.transferTo(keep + done, dropped - done, out);
      }
      out.force(true);
    }
    AtomicFiles.fsyncDirectory(AtomicFiles.directoryOf(torn));
    channel.truncate(keep);
    channel.force(true);
    return new LogRecovered(0, dropped, torn.getFileName().toString());
  }

  private Path tornCopy() {
    String base = file.getFileName() + ".torn-" + TORN_STAMP.format(clock.instant());
    Path candidate = file.resolveSibling(base);
    for (int i = 2; Files.exists(candidate); i++) {
      if (i > 1000) {
        throw new AuditException(
            "cannot find a free name for the torn tail of " + file + " near " + base);
      }
      candidate = file.resolveSibling(base + "-" + i);
    }
    return candidate;
  }

  private void startSealer() {
    if (!options.sealed() || options.sealInterval().isZero()) {
      return;
    }
    sealer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rcx-audit-sealer");
              t.setDaemon(true);
              return t;
            });
    long ms = options.sealInterval().toMillis();
    // Runs until the executor is shut down; its failures are logged by sealOnInterval itself.
    Future<?> unused =
        sealer.scheduleWithFixedDelay(this::sealOnInterval, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void sealOnInterval() {
    lock.lock();
    try {
      if (!closed && failure == null && outage == null) {
        sealInBackground(Seal.INTERVAL);
      }
    } catch (AuditException e) {
      // The failure is kept in `failure`; the next append reports it to a caller who can act on it.
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends {@code event} and returns once it is durable as {@link Options#durability()} promises.
   * In a sealed log this may also write a seal (when the epoch is full) before returning.
   *
   * @throws IllegalArgumentException for {@code log_recovered} and {@code seal} events, which only
   *     the log writes
   * @throws AuditException if the log is closed, or a write, force or key update failed (now or
   *     earlier)
   */
  @Override
  public void append(AuditEvent event) {
    append(event, /* force= */ true);
  }

  /**
   * Appends {@code event} once it is written to the OS (a crash of this process keeps it), without
   * waiting for a force in {@link Durability#FSYNC} mode; a later force covers it.
   */
  @Override
  public void appendUnforced(AuditEvent event) {
    append(event, /* force= */ false);
  }

  private void append(AuditEvent event, boolean force) {
    Objects.requireNonNull(event, "event");
    if (event instanceof LogRecovered
        || event instanceof Seal
        || event instanceof AuditEvent.AuditGap
        || event instanceof AuditEvent.AuditRotated) {
      throw new IllegalArgumentException(
          event.eventName() + " records are written by AuditLog itself");
    }
    byte[] body = RecordEncoder.body(event);
    long mine;
    lock.lock();
    try {
      checkUsable(event.eventName());
      rotateIfFull(body.length, event.eventName());
      mine = writeRecord(body, false, event.eventName());
      noteCommand(event);
      try {
        sealIfFull();
      } catch (AuditException e) {
        // This record is written; the failed seal left the log in an outage (or failed), which
        // refuses the next records, and the seal is made once the log recovers.
      }
    } finally {
      lock.unlock();
    }
    GroupCommit c = commit;
    if (c != null && force) {
      awaitDurable(c, mine);
    }
  }

  private void awaitDurable(GroupCommit c, long mine) {
    try {
      c.awaitDurable(mine);
    } catch (IOException e) {
      lock.lock();
      try {
        if (failure == null) {
          failure = e;
        }
      } finally {
        lock.unlock();
      }
      throw new AuditException(
          "cannot force record seq "
              + mine
              + " of audit log "
              + file
              + " to disk: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * {@link #append}, but only while the log's file system has at least {@link
   * Options#minFreeBytes()} free: for the record that lets new work start (a command's start), so
   * that what is already under way can still be recorded when the disk fills up.
   *
   * @throws AuditUnavailableException if free space is below the reserve (nothing is written)
   */
  @Override
  public void appendReserved(AuditEvent event) {
    long reserve = options.minFreeBytes();
    if (reserve > 0) {
      long free = usableSpace();
      if (free < reserve) {
        refusedForReserve(event, free);
        throw new AuditUnavailableException(
            "the file system of audit log "
                + file
                + " has "
                + free
                + " bytes free, below audit.min_free_bytes ("
                + reserve
                + "); new commands are refused until space is freed");
      }
    }
    append(event);
  }

  /**
   * Free bytes on the log directory's file system; 0 when that cannot be told (treated as full, the
   * safe side).
   */
  private long usableSpace() {
    try {
      FileStore store = directoryStore;
      if (store == null) {
        // The directory, not the file: a rotation renames the file away for a moment, and this
        // runs outside the lock. Resolved once: on Linux getFileStore reads the whole mount table.
        store = Files.getFileStore(AtomicFiles.directoryOf(file.toAbsolutePath()));
        directoryStore = store;
      }
      // A statvfs(2) of the directory's path on every call: free space is never cached, and a
      // directory that is gone (or unreadable) makes this throw, so it counts as full.
      return store.getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Counts a refusal for the gap record written once space is back. */
  private void refusedForReserve(AuditEvent event, long free) {
    lock.lock();
    try {
      if (reserveGap == null) {
        reserveGap =
            new Gap(
                clock.instant(),
                "free space on the audit file system fell below audit.min_free_bytes ("
                    + options.minFreeBytes()
                    + " bytes; "
                    + free
                    + " free): new commands refused");
        scheduleRetry();
      }
      reserveGap.refuse(event.eventName());
    } finally {
      lock.unlock();
    }
  }

  /** A stretch of time in which records were refused, and what it cost. */
  private static final class Gap {
    final java.time.Instant began;
    final String reason;
    final java.util.TreeMap<String, Long> refused = new java.util.TreeMap<>();
    long cutBytes;

    Gap(java.time.Instant began, String reason) {
      this.began = began;
      this.reason = reason;
    }

    void refuse(String event) {
      refused.merge(event, 1L, Long::sum);
    }

    long total() {
      return refused.values().stream().mapToLong(Long::longValue).sum();
    }

    AuditEvent.AuditGap record(java.time.Instant ended) {
      return new AuditEvent.AuditGap(
          RecordEncoder.TS.format(began),
          RecordEncoder.TS.format(ended),
          total(),
          refused,
          reason,
          cutBytes);
    }
  }

  /** Caller holds the lock. Starts the recovery thread if it is not running. */
  private void scheduleRetry() {
    if (recovery != null || closed) {
      return;
    }
    recovery =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rcx-audit-recovery");
              t.setDaemon(true);
              return t;
            });
    long ms = RETRY_INTERVAL.toMillis();
    // Runs until recovery succeeds and the executor is shut down.
    Future<?> unused =
        recovery.scheduleWithFixedDelay(this::recoverLocked, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void recoverLocked() {
    lock.lock();
    try {
      recover();
    } catch (RuntimeException e) {
      // Stays in the outage; the next round tries again.
    } finally {
      lock.unlock();
    }
  }

  /**
   * Caller holds the lock. One recovery round: the lagging key file, then the gap record of a write
   * outage, then that of the reserve; stops the recovery thread once nothing is pending.
   */
  private void recover() {
    if (closed || failure != null) {
      return;
    }
    if (keyFilePending) {
      try {
        writeKeyFile();
        keyFilePending = false;
      } catch (IOException | RuntimeException e) {
        return;
      }
    }
    if (pendingRotation != null) {
      try {
        startNextFile();
      } catch (AuditException e) {
        return; // still in the outage
      }
    }
    if (outage != null) {
      long gapSeq;
      try {
        gapSeq = writeUnchecked(RecordEncoder.body(outage.record(clock.instant())), false, null);
      } catch (AuditException e) {
        return; // cut back again; still in the outage
      }
      if (commit != null) {
        try {
          channel.force(true);
          commit.markDurable(gapSeq);
        } catch (IOException e) {
          failure = e;
          return;
        }
      }
      outage = null;
      try {
        sealIfFull();
      } catch (AuditException e) {
        return;
      }
    }
    if (reserveGap != null
        && (options.minFreeBytes() == 0 || usableSpace() >= options.minFreeBytes())) {
      try {
        writeUnchecked(RecordEncoder.body(reserveGap.record(clock.instant())), false, null);
      } catch (AuditException e) {
        return;
      }
      reserveGap = null;
    }
    if (outage == null
        && reserveGap == null
        && !keyFilePending
        && pendingRotation == null
        && recovery != null) {
      recovery.shutdown();
      recovery = null;
    }
  }

  /**
   * Caller holds the lock. Cuts the file back to the end of the last whole record; returns the
   * bytes cut. If even that fails the log fails for good: it may end in a partial record.
   */
  private long cutBack() {
    try {
      long actual = channel.size();
      if (actual > size) {
        channel.truncate(size);
      }
      return Math.max(0, actual - size);
    } catch (IOException | RuntimeException e) {
      failure = e;
      return 0;
    }
  }

  /** Caller holds the lock. */
  private void beginOutage(Throwable cause, long cut, @Nullable String refusedEvent) {
    if (outage == null) {
      outage = new Gap(clock.instant(), "write failed: " + cause.getMessage());
      scheduleRetry();
    }
    outage.cutBytes += cut;
    if (refusedEvent != null) {
      outage.refuse(refusedEvent);
    }
  }

  /**
   * Ends the current key epoch now, if it has records: writes a seal, forces the file and evolves
   * the key. For an operator's "seal now" or before copying the log off the host.
   *
   * @throws IllegalStateException if the log is not sealed
   * @throws AuditException if the log is closed or the seal could not be written
   */
  public void seal() {
    if (!options.sealed()) {
      throw new IllegalStateException("audit log " + file + " is not sealed");
    }
    lock.lock();
    try {
      checkUsable(null);
      awaitSealWrites();
      seal(Seal.REQUESTED);
    } finally {
      lock.unlock();
    }
  }

  /** Caller holds the lock. A sealed log's keys, set as it opens. */
  private EpochKeys sealedKeys() {
    EpochKeys k = keys;
    if (k == null) {
      throw new IllegalStateException("audit log " + file + " is not sealed");
    }
    return k;
  }

  /** Caller holds the lock. A sealed log's key id, set with its keys. */
  private String sealedKeyId() {
    String id = keyId;
    if (id == null) {
      throw new IllegalStateException("audit log " + file + " is not sealed");
    }
    return id;
  }

  /** What a rotation closed: the file's new name, and its last record's seq and hash. */
  public record Rotation(Path closedFile, long lastSeq, String lastHash) {}

  /** A rotation whose file was renamed to {@code closedFile} and whose successor is not started. */
  private record PendingRotation(String closedFile, String trigger) {}

  /** Upper bound of a record's frame around its body: seq, ts, prev, mac and the newline. */
  private static final int FRAME_BYTES = 256;

  /**
   * Closes the current file now: seals it (in a sealed log; otherwise forces it), renames it as
   * {@link AuditFiles#closedName} says, and starts a new current file whose first record, {@code
   * audit_rotated}, links to the closed file's last record. Records appended concurrently go to one
   * file or the other, never both, never neither.
   *
   * @throws AuditUnavailableException if the seal, the rename or the new file could not be written
   *     (the log is then in an outage and completes the rotation when it recovers)
   * @throws AuditException if the log is closed or failed, or holds no record yet
   */
  public Rotation rotate() {
    lock.lock();
    try {
      checkUsable(null);
      if (size == 0) {
        throw new AuditException("audit log " + file + " holds no record yet: nothing to rotate");
      }
      rotateNow(AuditEvent.AuditRotated.REQUESTED, null);
      Path closed = file.resolveSibling(lastClosedName);
      return new Rotation(closed, lastClosedSeq, lastClosedHash);
    } finally {
      lock.unlock();
    }
  }

  // Guarded by lock: the last file a rotation closed, for rotate()'s answer.
  private String lastClosedName = "";
  private long lastClosedSeq;
  private String lastClosedHash = "";

  /**
   * Rotates the log whose current file is {@code currentLog} while no server holds it: opens it
   * under the writer lock (refused while a server or another tool writes it), rotates, and closes
   * it (which seals the new file's first epoch). Sealed or not as the log was created; FSYNC.
   *
   * @throws AuditException if the log is held by another writer, cannot be opened, or the rotation
   *     fails
   */
  public static Rotation rotateOffline(Path currentLog, Clock clock) {
    boolean sealed = Files.exists(KeyFile.pathFor(currentLog));
    Options options =
        (sealed ? Options.defaults() : Options.unsealed())
            .withDurability(Durability.FSYNC)
            .withSealInterval(Duration.ZERO);
    try (AuditLog log = open(currentLog, clock, options)) {
      return log.rotate();
    }
  }

  /** Caller holds the lock. Rotates first if {@code body} would take the file past the limit. */
  private void rotateIfFull(int bodyLength, String event) {
    long max = options.maxFileBytes();
    if (max == 0 || size <= firstLineEnd || size + bodyLength + FRAME_BYTES <= max) {
      return;
    }
    rotateNow(AuditEvent.AuditRotated.SIZE, event);
  }

  /**
   * Caller holds the lock. Seals and forces the current file, renames it, starts the next; any step
   * that fails starts an outage (counting {@code event} as refused) and is completed by the
   * recovery thread.
   */
  private void rotateNow(String trigger, @Nullable String event) {
    try {
      if (pendingRotation == null) {
        closeCurrentFile(trigger);
      }
      startNextFile();
    } catch (AuditUnavailableException e) {
      if (outage != null && event != null) {
        outage.refuse(event);
      }
      throw e;
    }
  }

  /** Caller holds the lock. Seal, force, rename: after this the successor is due. */
  private void closeCurrentFile(String trigger) {
    awaitSealWrites();
    if (keys != null) {
      seal(Seal.ROTATE);
    }
    try {
      channel.force(true); // the closed file is complete on disk before its name says so
    } catch (IOException | RuntimeException e) {
      failure = e;
      throw new AuditException(
          "cannot force audit log " + file + " before rotating it: " + e.getMessage(), e);
    }
    if (commit != null) {
      commit.markDurable(seq);
    }
    Path closed = AuditFiles.closedName(file, fileFirstSeq > 0 ? fileFirstSeq : seq);
    try {
      if (Files.exists(closed, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(
            closed.toString(), null, "a closed audit file of that name exists; move it aside");
      }
      Files.move(file, closed); // no REPLACE_EXISTING: a closed file is never overwritten
      AtomicFiles.fsyncDirectory(AtomicFiles.directoryOf(file));
    } catch (IOException | RuntimeException e) {
      beginOutage(e, 0, null);
      throw new AuditUnavailableException(
          "cannot rotate audit log " + file + " to " + closed + ": " + e.getMessage(), e);
    }
    lastClosedName = closed.getFileName().toString();
    lastClosedSeq = seq;
    lastClosedHash = Hashes.hex(lastHash);
    pendingRotation = new PendingRotation(lastClosedName, trigger);
  }

  /**
   * Caller holds the lock (or is opening). Creates the current file again and writes its {@code
   * audit_rotated} record; on failure the old (renamed) file stays the channel and nothing of the
   * new one holds a record.
   */
  @SuppressWarnings("ReferenceEquality") // the same channel object, not an equal one
  private void startNextFile() {
    PendingRotation p = pendingRotation;
    if (p == null) {
      throw new IllegalStateException("audit log " + file + ": no rotation is pending");
    }
    FileChannel next = null;
    try {
      next =
          FileChannel.open(
              file,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
              LogFiles.privateFile());
      long leftover = next.size();
      if (leftover > 0) {
        if (LogFiles.lastNewlineBefore(next, leftover) >= 0) {
          throw new AuditException(
              "audit log "
                  + file
                  + " gained complete records while it was being rotated to "
                  + p.closedFile()
                  + ": another writer? Refusing to touch it");
        }
        next.truncate(0); // a partial first record of an earlier attempt, cut back then
      }
      AtomicFiles.fsyncDirectory(AtomicFiles.directoryOf(file));
    } catch (IOException | RuntimeException e) {
      if (next != null) {
        closeQuietly(next, e);
      }
      if (e instanceof AuditException ae && !(e instanceof AuditUnavailableException)) {
        failure = ae;
        throw ae;
      }
      beginOutage(e, 0, null);
      throw new AuditUnavailableException(
          "cannot create audit log "
              + file
              + " after closing "
              + p.closedFile()
              + ": "
              + e.getMessage()
              + "; retrying every "
              + RETRY_INTERVAL.toMillis()
              + " ms",
          e);
    }
    FileChannel old = channel;
    long oldSize = size;
    long oldFirstSeq = fileFirstSeq;
    long oldFirstLineEnd = firstLineEnd;
    channel = next;
    size = 0;
    fileFirstSeq = 0;
    firstLineEnd = 0;
    AuditEvent.AuditRotated record =
        new AuditEvent.AuditRotated(
            p.closedFile(),
            seq,
            Hashes.hex(lastHash),
            keys == null ? null : keys.epoch(),
            keys == null ? null : keyId,
            p.trigger(),
            openCommandIds());
    try {
      writeUnchecked(RecordEncoder.body(record), false, null);
    } catch (AuditException e) {
      channel = old;
      size = oldSize;
      fileFirstSeq = oldFirstSeq;
      firstLineEnd = oldFirstLineEnd;
      closeQuietly(next, e);
      throw e;
    }
    pendingRotation = null;
    if (old != next) {
      try {
        old.close(); // forced by closeCurrentFile; a group-commit force racing this retries
      } catch (IOException e) {
        // Nothing is lost: the file was forced and is complete.
      }
    }
    try {
      sealIfFull();
    } catch (AuditException e) {
      // As in append: the outage refuses the next records; the seal is made on recovery.
    }
  }

  /**
   * Forces the current file. A rotation may close the file a group-commit leader read from {@link
   * #channel} after forcing it; then the successor is forced instead.
   */
  @SuppressWarnings("ReferenceEquality") // whether a rotation replaced this very channel
  private void forceCurrent() throws IOException {
    while (true) {
      FileChannel ch = channel;
      try {
        ch.force(true);
        return;
      } catch (java.nio.channels.ClosedChannelException e) {
        if (ch == channel) {
          throw e;
        }
      }
    }
  }

  /** Caller holds the lock (or is opening). Starts tracking from what the files record. */
  private void trackOpenCommands() {
    Set<String> ids = new java.util.LinkedHashSet<>();
    for (CommandLedger.Open o : CommandLedger.scanAll(file)) {
      ids.add(o.commandId());
    }
    openCommands = ids;
  }

  /** Caller holds the lock. The commands started and not ended, for an {@code audit_rotated}. */
  private List<String> openCommandIds() {
    if (openCommands == null) {
      trackOpenCommands();
    }
    return List.copyOf(openCommands);
  }

  /** Caller holds the lock; {@code event} was just written. */
  private void noteCommand(AuditEvent event) {
    if (openCommands == null) {
      return;
    }
    switch (event) {
      case AuditEvent.CommandStarted e -> openCommands.add(e.commandId());
      case AuditEvent.CommandRun e -> {
        if (e.commandId() != null) {
          openCommands.remove(e.commandId());
        }
      }
      case AuditEvent.CommandAbandoned e -> openCommands.remove(e.commandId());
      default -> {}
    }
  }

  private void sealIfFull() {
    if (keys != null && recordsInEpoch >= epochRecords) {
      sealInBackground(Seal.EPOCH_FULL);
    }
  }

  /**
   * Caller holds the lock. Writes the seal record and evolves the key now; the force and the key
   * file update run on {@link #sealWriter} after those of earlier seals. No-op for an empty epoch.
   */
  private void sealInBackground(String reason) {
    if (keys == null || recordsInEpoch == 0) {
      return;
    }
    long sealSeq =
        writeRecord(
            RecordEncoder.body(new Seal(keys.epoch(), recordsInEpoch, sealedKeyId(), reason)),
            true,
            null);
    keys.evolve();
    recordsInEpoch = 0;
    long epoch = keys.epoch();
    byte[] key = keys.keyCopy();
    String id = sealedKeyId();
    int perEpoch = epochRecords;
    FileChannel sealedFile = channel; // a rotation waits for this before it closes the file
    sealWrites =
        sealWrites.thenRunAsync(
            () -> persistSeal(sealedFile, sealSeq, id, perEpoch, epoch, key), sealWriter);
  }

  /** Off the lock: forces the file (so the seal at {@code sealSeq} is on disk), then the key. */
  private void persistSeal(
      FileChannel sealedFile, long sealSeq, String id, int perEpoch, long epoch, byte[] key) {
    try {
      if (sealWriteFailure != null) {
        return;
      }
      sealedFile.force(true); // the seal must be on disk before the key file says it exists
      if (commit != null) {
        commit.markDurable(sealSeq);
      }
      KeyFile.write(keyPath, id, perEpoch, epoch, key);
    } catch (IOException | RuntimeException e) {
      sealWriteFailure =
          new IOException(
              "cannot seal epoch at seq " + sealSeq + " (force or key file): " + e.getMessage(), e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** Caller holds the lock. Waits until every asynchronous seal is on disk (or has failed). */
  private void awaitSealWrites() {
    sealWrites.join();
    checkUsable(null);
  }

  /** Caller holds the lock. No-op for an empty epoch. */
  private void seal(String reason) {
    if (keys == null || recordsInEpoch == 0) {
      return;
    }
    long sizeBefore = size;
    long seqBefore = seq;
    byte[] hashBefore = lastHash;
    long sealSeq =
        writeRecord(
            RecordEncoder.body(new Seal(keys.epoch(), recordsInEpoch, sealedKeyId(), reason)),
            true,
            null);
    try {
      channel.force(true); // the seal must be on disk before the key file says it exists
    } catch (IOException | RuntimeException e) {
      // Take the seal back: the key must never move past a seal that may not be on disk.
      size = sizeBefore;
      seq = seqBefore;
      writtenSeq = seqBefore;
      lastHash = hashBefore;
      beginOutage(e, cutBack(), null);
      throw new AuditUnavailableException(
          "cannot force the seal of audit log "
              + file
              + " at seq "
              + sealSeq
              + ": "
              + e.getMessage(),
          e);
    }
    if (commit != null) {
      commit.markDurable(sealSeq);
    }
    keys.evolve();
    recordsInEpoch = 0;
    try {
      writeKeyFile();
      keyFilePending = false;
    } catch (IOException | RuntimeException e) {
      // The seal is on disk, so the log is consistent; the key file is one epoch behind (what open
      // repairs) and still holds the old key until the retry succeeds.
      keyFilePending = true;
      scheduleRetry();
    }
  }

  /**
   * Caller holds the lock; {@code event} (null for the log's own records) is counted if refused.
   */
  private void checkUsable(@Nullable String event) {
    if (closed) {
      throw new AuditException("audit log " + file + " is closed");
    }
    Exception sealFailure = sealWriteFailure;
    if (failure == null && sealFailure != null) {
      failure = sealFailure;
    }
    if (failure != null) {
      throw new AuditException(
          "audit log "
              + file
              + " refuses records after an earlier failure: "
              + failure.getMessage()
              + "; restart to reopen it",
          failure);
    }
    if (outage != null) {
      if (event != null) {
        outage.refuse(event);
      }
      throw new AuditUnavailableException(
          "audit log "
              + file
              + " cannot be written since "
              + RecordEncoder.TS.format(outage.began)
              + " ("
              + outage.reason
              + "); retrying every "
              + RETRY_INTERVAL.toMillis()
              + " ms; "
              + outage.total()
              + " records refused so far");
    }
  }

  /**
   * Frames, MACs and writes one record; returns its seq. Caller holds the lock (or is still opening
   * the log).
   */
  private long writeRecord(byte[] body, boolean isSeal, @Nullable String event) {
    checkUsable(event);
    return writeUnchecked(body, isSeal, event);
  }

  /**
   * {@link #writeRecord} without the usability check (for the gap record that ends an outage). A
   * failed write is cut back and starts (or continues) the outage.
   */
  private long writeUnchecked(byte[] body, boolean isSeal, @Nullable String event) {
    long next = seq + 1;
    byte[] line = RecordEncoder.line(next, clock.instant(), body, lastHash);
    if (keys != null) {
      line = RecordEncoder.signed(line, keys.mac(line, line.length));
    }
    ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
    try {
      LogFiles.writeFully(channel, buf, size);
    } catch (IOException | RuntimeException e) {
      long cut = cutBack();
      if (failure != null) {
        throw new AuditException(
            "cannot write record seq "
                + next
                + " to audit log "
                + file
                + " and cannot cut the partial record back: "
                + e.getMessage(),
            e);
      }
      beginOutage(e, cut, event);
      throw new AuditUnavailableException(
          "cannot write record seq "
              + next
              + " to audit log "
              + file
              + ": "
              + e.getMessage()
              + "; cut back to the last whole record, retrying every "
              + RETRY_INTERVAL.toMillis()
              + " ms",
          e);
    }
    size += buf.limit();
    seq = next;
    writtenSeq = next;
    if (firstLineEnd == 0) {
      firstLineEnd = size;
      fileFirstSeq = next;
    }
    lastHash = Hashes.sha256(line, line.length);
    if (!isSeal && keys != null) {
      recordsInEpoch++;
    }
    return next;
  }

  /**
   * The verification key of a sealed log that this {@code open} created, exactly once; empty
   * afterwards, and for logs that already existed or are unsealed. Show it to the operator right
   * away and keep it off this host: it is the only copy of K_0, and anyone holding it can forge the
   * whole log.
   */
  public Optional<String> takeVerificationKey() {
    lock.lock();
    try {
      String key = verificationKey;
      verificationKey = null;
      return Optional.ofNullable(key);
    } finally {
      lock.unlock();
    }
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

  /** The current key epoch (the number of seals so far); 0 for an unsealed log. */
  public long epoch() {
    lock.lock();
    try {
      return keys == null ? 0 : keys.epoch();
    } finally {
      lock.unlock();
    }
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  /** Forces issued by group commit so far (FSYNC only; 0 otherwise). */
  long groupForces() {
    return commit == null ? 0 : commit.forces();
  }

  /**
   * Seals the current epoch (if it has records and the log is healthy), forces the file to disk,
   * wipes the key from memory, releases the lock and closes the file. Idempotent; later appends
   * throw.
   *
   * @throws AuditException if the final seal or force failed (the file is closed anyway)
   */
  @Override
  public void close() {
    if (sealer != null) {
      sealer.shutdownNow();
    }
    lock.lock();
    try {
      if (closed) {
        return;
      }
      AuditException error = null;
      try {
        recover(); // a last chance to record a gap (and fix the key file) before closing
      } catch (RuntimeException e) {
        // Reported below through the outage or failure state.
      }
      if (recovery != null) {
        recovery.shutdownNow();
        recovery = null;
      }
      try {
        sealWrites.join();
        Exception sealFailure = sealWriteFailure;
        if (failure == null && sealFailure == null && outage == null) {
          seal(Seal.CLOSE);
        } else if (outage != null) {
          error =
              new AuditUnavailableException(
                  "audit log "
                      + file
                      + " closed during an outage ("
                      + outage.reason
                      + "); "
                      + outage.total()
                      + " records were refused and are not recorded in it");
        } else if (failure == null && sealFailure != null) {
          failure = sealFailure;
          error =
              new AuditException(
                  "audit log " + file + ": " + sealFailure.getMessage(), sealFailure);
        }
      } catch (AuditException e) {
        error = e;
      }
      if (ownSealWriter != null) {
        ownSealWriter.shutdown();
      }
      closed = true;
      if (keys != null) {
        keys.close();
      }
      FileChannel last = channel;
      try (writerLock;
          last) {
        if (failure == null && outage == null) {
          last.force(true);
        }
      } catch (IOException e) {
        error = new AuditException("cannot close audit log " + file + ": " + e.getMessage(), e);
      }
      if (error != null) {
        throw error;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks the hash chain of {@code file} without a key. This detects naive edits, removals,
   * insertions and reorderings (anything that does not recompute every later hash), but not an edit
   * of the very last record, nor a rewrite of the whole tail by someone who recomputes the chain.
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
   * Checks every file of the log whose current file is {@code currentLog} (see {@link AuditFiles})
   * as one hash chain, without a key: within each file as {@link #verify(Path)} does, and across
   * files that each later file's first record continues the previous file's last. Reports a missing
   * middle file as {@link FilesVerifyResult.MissingFile}, and an oldest kept file that starts after
   * a rotation as verified with {@code earlierArchived}.
   *
   * @throws AuditException if a file cannot be read, or there is no file at all
   */
  public static FilesVerifyResult verifyFiles(Path currentLog) {
    try {
      return FilesVerifier.run(currentLog);
    } catch (IOException e) {
      throw new AuditException("cannot read audit log " + currentLog + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@link #verifyFiles(Path)} with the operator's verification key, as {@link #verify(Path,
   * String)} does for one file: MACs and seals are checked across files (a file after a rotation
   * starts in the epoch its {@code audit_rotated} record names, which its MAC authenticates), and
   * the key file shows whether sealed epochs were cut off the end of the newest file.
   *
   * @throws AuditException if a file cannot be read, or there is no file at all
   */
  public static FilesVerifyResult verifyFiles(Path currentLog, String verificationKey) {
    Objects.requireNonNull(verificationKey, "verificationKey");
    try {
      return FilesVerifier.run(currentLog, verificationKey);
    } catch (IOException e) {
      throw new AuditException("cannot read audit log " + currentLog + ": " + e.getMessage(), e);
    }
  }

  /**
   * Renders one log line for people, e.g. {@code 2026-11-27T10:00:00.123Z #42 command_run
   * alice@127.0.0.1:5555 s=ab12cd34.. argv=[/usr/bin/ls, -la] exit=0 12ms}. Control and bidi
   * characters are shown escaped. A line that is not JSON is shown as {@code unparseable: ...}.
   */
  public static String describe(String jsonLine) {
    return Describer.describe(Objects.requireNonNull(jsonLine, "jsonLine"));
  }

  /**
   * {@link #describe} for consecutive lines that end the log (as {@link #tail} returns them): a
   * {@code command_started} record with no end record after it is marked as still running, or
   * abandoned if its server died (a restarted server then records {@code command_abandoned}).
   */
  public static List<String> describeTail(List<String> lines) {
    java.util.Set<String> open = CommandLedger.openIds(lines);
    List<String> out = new java.util.ArrayList<>(lines.size());
    for (String line : lines) {
      String text = describe(line);
      if (!open.isEmpty() && line.contains("\"command_started\"")) {
        String id = commandIdOf(line);
        if (id != null && open.contains(id)) {
          text += " [no end record yet: running, or abandoned if the server died]";
        }
      }
      out.add(text);
    }
    return out;
  }

  private static @Nullable String commandIdOf(String line) {
    byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      return Json.object(b, b.length).path("command_id").asText(null);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The last {@code n} complete lines of {@code file}, oldest first, reading only the end of the
   * file. An incomplete last line is skipped.
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

  /**
   * {@link #tail} across the files of the log whose current file is {@code currentLog}: when the
   * current file holds fewer than {@code n} lines, the rest come from the closed files before it.
   *
   * @throws AuditException if a file cannot be read
   */
  public static List<String> tailFiles(Path currentLog, int n) {
    List<AuditFiles.Segment> files = AuditFiles.list(currentLog);
    List<String> out = new ArrayList<>();
    for (int i = files.size() - 1; i >= 0 && out.size() < n; i--) {
      List<String> part;
      try {
        part = LogFiles.tail(files.get(i).path(), n - out.size());
      } catch (java.nio.file.NoSuchFileException e) {
        continue; // rotated away while we read: its records are in the file we read next
      } catch (IOException e) {
        throw new AuditException(
            "cannot read audit log " + files.get(i).path() + ": " + e.getMessage(), e);
      }
      out.addAll(0, part);
    }
    return List.copyOf(out);
  }

  /**
   * Verifies a sealed log with the operator's verification key ({@code rcx-audit-key:v1:...}),
   * reading {@code <file>.key} if present to detect truncation. Reports the first record whose MAC
   * fails or whose place in the chain is wrong, a log cut short after a seal, or a key that does
   * not belong to the log. See {@link KeyedVerifyResult.Authentic} for exactly what a success
   * proves; records after the last seal are reported as an unsealed tail, not as proven.
   *
   * @throws AuditException if the files cannot be read
   */
  public static KeyedVerifyResult verify(Path file, String verificationKey) {
    Objects.requireNonNull(verificationKey, "verificationKey");
    try {
      return KeyedVerifier.run(file, verificationKey);
    } catch (IOException e) {
      throw new AuditException("cannot read audit log " + file + ": " + e.getMessage(), e);
    }
  }
}
