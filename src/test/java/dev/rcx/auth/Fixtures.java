package dev.rcx.auth;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Shared test helpers. */
final class Fixtures {
  /**
   * Far below the OWASP cost, so tests can hash freely; the RFC and reference vectors cover the
   * real wiring.
   */
  static final PasswordHasher.Params CHEAP = new PasswordHasher.Params(64, 1, 1);

  private Fixtures() {}

  static PasswordHasher cheapHasher() {
    return new PasswordHasher(CHEAP, 2);
  }

  static String proof(String password) {
    return PasswordHasher.sha256Hex(password.toCharArray());
  }

  /** Waits (bounded) until {@code t} is parked, i.e. blocked on a lock or semaphore. */
  static void awaitParked(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      if (t.getState() == Thread.State.TERMINATED) {
        throw new AssertionError("thread finished without blocking");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("thread never blocked; state " + t.getState());
      }
      Thread.sleep(5);
    }
  }

  /** Runs {@code task} on a new platform thread, returning the thread and its result. */
  static <T> Running<T> start(Callable<T> task) {
    var future = new CompletableFuture<T>();
    Thread thread =
        new Thread(
            () -> {
              try {
                future.complete(task.call());
              } catch (Throwable e) {
                future.completeExceptionally(e);
              }
            },
            "auth-test-worker");
    thread.start();
    return new Running<>(thread, future);
  }

  record Running<T>(Thread thread, CompletableFuture<T> result) {
    T join() throws InterruptedException, ExecutionException {
      return result.get();
    }
  }
}
