package dev.rcx.audit;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints records/s for each durability at 1 and 16 appending threads. Figures only; no assertion on
 * speed.
 */
@Tag("heavy")
@Timeout(300)
class ThroughputTest {
  @TempDir Path dir;

  @Test
  void throughput_flushVersusFsync_printsFigures() throws Exception {
    System.out.printf(
        "audit append throughput (%d cores), records/s%n",
        Runtime.getRuntime().availableProcessors());
    for (Durability d : Durability.values()) {
      for (boolean sealed : new boolean[] {false, true}) {
        for (int threads : new int[] {1, 16}) {
          // fsync costs far more per record, so FSYNC runs fewer records to keep the test short.
          int perThread = d == Durability.FLUSH ? 20_000 / threads : threads == 1 ? 300 : 200;
          run(d, sealed, threads, perThread);
        }
      }
    }
  }

  private void run(Durability d, boolean sealed, int threads, int perThread) throws Exception {
    Path file = dir.resolve(d + "-" + sealed + "-" + threads + ".log");
    AuditLog.Options base = sealed ? AuditLog.Options.defaults() : AuditLog.Options.unsealed();
    AuditLog.Options options = base.withDurability(d).withSealInterval(Duration.ZERO);
    try (AuditLog log = AuditLog.open(file, Clock.systemUTC(), options)) {
      List<Thread> workers = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        String user = "u" + t;
        workers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < perThread; i++) {
                        log.append(Samples.command(user, i));
                      }
                    }));
      }
      for (Thread w : workers) {
        w.join(TimeUnit.SECONDS.toMillis(120));
      }
      double secs = (System.nanoTime() - start) / 1e9;
      long records = (long) threads * perThread;
      System.out.printf(
          "  %-5s %-8s threads=%2d records=%6d  %9.0f rec/s  forces=%d%n",
          d, sealed ? "sealed" : "unsealed", threads, records, records / secs, log.groupForces());
    }
  }
}
