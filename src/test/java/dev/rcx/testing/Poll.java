package dev.rcx.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting for something that happens on another thread or process. */
public final class Poll {
  private Poll() {}

  /**
   * Waits until {@code condition} holds, checking every 20 ms; fails the test with {@code what}
   * after {@code timeout}.
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      sleep(Duration.ofMillis(20));
    }
  }

  /** Whether the process {@code pid} is still running (a zombie counts as gone). */
  public static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
