package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.VerifyResult.Intact;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ConcurrentAppendTest {
  static final int THREADS = 16;
  static final int PER_THREAD = 200;

  @TempDir Path dir;

  /**
   * Appends from {@code THREADS} threads at once and checks the chain and that every record arrived
   * exactly once.
   */
  static void appendConcurrently(AuditLog log, Path file) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        String user = "u" + t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < PER_THREAD; i++) {
                    log.append(Samples.command(user, i));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static void assertEveryRecordOnce(Path file) throws IOException {
    Set<String> seen = new HashSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      byte[] b = line.getBytes(StandardCharsets.US_ASCII);
      JsonNode n = Json.object(b, b.length);
      if (n.get("event").asText().equals("command_run")) {
        assertThat(seen.add(n.get("user").asText() + "/" + n.get("argv").get(1).asText())).isTrue();
      }
    }
    assertThat(seen).hasSize(THREADS * PER_THREAD);
  }

  @Test
  void append_manyThreadsAtOnce_keepTheChainValidAndLoseNothing() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file, TestClock.ticking(), Samples.UNSEALED)) {
      appendConcurrently(log, file);
      assertThat(log.lastSeq()).isEqualTo(THREADS * PER_THREAD);
    }
    assertThat(AuditLog.verify(file)).isEqualTo(new Intact(THREADS * PER_THREAD));
    assertEveryRecordOnce(file);
  }
}
