package dev.rcx.audit;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Leader/follower group commit. A thread that needs record {@code seq} durable either finds it
 * already covered, waits for a force in progress, or becomes the leader: it reads the highest seq
 * written so far, forces the file once, and thereby makes every record up to that seq durable for
 * all waiting threads. Lock order: callers never hold this object's lock while taking the log's
 * lock, and {@code written} must be readable without a lock.
 */
final class GroupCommit {
  /** The force action: {@code FileChannel.force}, or anything with the same contract in tests. */
  interface Force {
    void run() throws IOException;
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final LongSupplier written;
  private final Force force;

  // Guarded by lock.
  private long durable;
  private boolean forcing;
  private @Nullable IOException failure;
  private long forces;

  GroupCommit(LongSupplier written, Force force, long alreadyDurable) {
    this.written = written;
    this.force = force;
    this.durable = alreadyDurable;
  }

  /**
   * Returns once every record up to {@code seq} (which must already be written) is durable.
   *
   * @throws IOException if a force failed; every later call fails too, since a failed fsync may
   *     have dropped data
   */
  void awaitDurable(long seq) throws IOException {
    lock.lock();
    try {
      while (durable < seq) {
        if (failure != null) {
          throw new IOException("an earlier fsync of the audit log failed", failure);
        }
        if (forcing) {
          changed.awaitUninterruptibly();
        } else {
          lead();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Caller holds the lock; releases it during the force. */
  private void lead() throws IOException {
    forcing = true;
    long target = written.getAsLong();
    lock.unlock();
    IOException error = null;
    try {
      force.run();
    } catch (IOException e) {
      error = e;
    } catch (RuntimeException e) {
      error = new IOException("force failed: " + e, e);
    } finally {
      lock.lock();
      forcing = false;
      forces++;
      if (error != null) {
        failure = error;
      } else {
        durable = Math.max(durable, target);
      }
      changed.signalAll();
    }
    if (error != null) {
      throw error;
    }
  }

  /** Records that everything up to {@code seq} was forced by someone else (a seal). */
  void markDurable(long seq) {
    lock.lock();
    try {
      durable = Math.max(durable, seq);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** How many forces this object has issued; for tests and the throughput report. */
  long forces() {
    lock.lock();
    try {
      return forces;
    } finally {
      lock.unlock();
    }
  }
}
