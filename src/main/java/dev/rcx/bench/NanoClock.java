package dev.rcx.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Monotonic time and waiting, injectable so the open-loop arithmetic can be tested without real
 * time passing.
 */
interface NanoClock {
  long nanoTime();

  /** Returns at or after {@code deadline} (immediately if it has passed). */
  void sleepUntil(long deadline) throws InterruptedException;

  NanoClock SYSTEM =
      new NanoClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
          for (long left = deadline - System.nanoTime();
              left > 0;
              left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
              throw new InterruptedException("interrupted while waiting for the next send time");
            }
          }
        }
      };
}
