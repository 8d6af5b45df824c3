package dev.rcx.spawn;

import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The order in which a child's two output streams produced their kept bytes, for one consumer that
 * streams them as they arrive (the executor's {@code Execution.nextChunk}).
 *
 * <p>Entries are runs of one stream; a run grows while the same stream keeps producing. Finished
 * runs are stored as varints of {@code length << 1 | stream}, so each costs at most one byte per
 * byte of output it stands for (a run is at least one byte; runs under 64 bytes take one byte): the
 * journal never holds more than the output it describes, which the cap already bounds. What the
 * consumer has taken is forgotten as soon as it catches up. Writers (the launcher's reader threads,
 * the native I/O loop) never block beyond a short critical section.
 */
public final class OutputJournal {
  public static final int STDOUT = 0;
  public static final int STDERR = 1;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private byte[] log = new byte[16];
  private int logLength;
  private int readPosition;
  private int openStream = -1;
  private long openLength;
  private long openTaken;
  private boolean closed;

  /** A run of {@code length} bytes of {@code stream} not yet taken. */
  public record Run(int stream, long length) {}

  /** Records that {@code stream} produced {@code kept} more kept bytes. */
  void kept(int stream, int kept) {
    if (kept <= 0) {
      return;
    }
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (stream != openStream) {
        flushOpen();
        openStream = stream;
        openLength = 0;
        openTaken = 0;
      }
      openLength += kept;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * No more bytes will be recorded; a waiting consumer takes what is left and then sees the end.
   */
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next run not yet taken, in arrival order, waiting at most {@code timeoutNanos} for one.
   *
   * @return the run; or null if the journal is closed and everything was taken, or on timeout (tell
   *     them apart with {@link #finished()})
   */
  public @Nullable Run take(long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long wait = timeoutNanos;
      while (true) {
        Run run = takeNow();
        if (run != null || closed || wait <= 0) {
          return run;
        }
        wait = changed.awaitNanos(wait);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether the journal is closed and every run has been taken. */
  public boolean finished() {
    lock.lock();
    try {
      return closed && readPosition == logLength && openTaken == openLength;
    } finally {
      lock.unlock();
    }
  }

  private @Nullable Run takeNow() {
    if (readPosition < logLength) {
      long value = 0;
      int shift = 0;
      byte b;
      do {
        b = log[readPosition++];
        value |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while (b < 0);
      if (readPosition == logLength) {
        readPosition = 0;
        logLength = 0;
      }
      return new Run((int) (value & 1), value >>> 1);
    }
    if (openTaken < openLength) {
      Run run = new Run(openStream, openLength - openTaken);
      openTaken = openLength;
      return run;
    }
    return null;
  }

  /** Moves the growing run, less what the consumer already took of it, into the log. */
  private void flushOpen() {
    long rest = openLength - openTaken;
    if (openStream < 0 || rest == 0) {
      return;
    }
    long value = rest << 1 | openStream;
    if (logLength + 10 > log.length) {
      log = Arrays.copyOf(log, Math.max(log.length * 2, logLength + 10));
    }
    while ((value & ~0x7fL) != 0) {
      log[logLength++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    log[logLength++] = (byte) value;
  }
}
