package dev.rcx.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.VerifyResult;
import dev.rcx.auth.UserStore;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestCommands;
import dev.rcx.tls.KeyMaterial;
import dev.rcx.tls.ServerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real {@code rcx server} process in the middle of a load of commands, then a
 * restart on the same data directory, several times over. After every crash the audit log verifies
 * (intact, or with a torn tail: never "tampered"), and users.json, server.key and server.crt load;
 * the restarted server keeps its identity, records {@code log_recovered} when it cut a torn tail,
 * continues the chain and serves. The last round also tears the tail by hand, as a crash in the
 * middle of a write (or a power loss) would, because a kill between two write calls is rare.
 */
@Tag("heavy")
class CrashRecoveryTest {
  private static final int ROUNDS = 4;
  private static final int LOAD_THREADS = 3;
  private static final long SEED = 0x5eedL;

  @TempDir Path dir;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void kill9_underLoad_logVerifiesFilesIntactRestartRecoversAndServes() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    UserStore.open(data.resolve("users.json")).add("alice", "pw".toCharArray(), Set.of());
    Path commands = TestCommands.standard(dir.resolve("commands")).write();
    Path audit = data.resolve("audit.log");
    Random random = new Random(SEED);
    String fingerprint = null;
    long commandsBefore = 0;
    List<String> outcomes = new ArrayList<>();

    for (int round = 0; round < ROUNDS; round++) {
      boolean tearByHand = round == ROUNDS - 1;
      long recoveredBefore = count(audit, "log_recovered");
      try (ServerProcess server = ServerProcess.start(data, commands, null)) {
        if (round > 0) {
          assertThat(count(audit, "log_recovered"))
              .as("log_recovered after restart %d", round)
              .isEqualTo(recoveredBefore + (outcomes.getLast().startsWith("torn") ? 1 : 0));
          assertThat(AuditLog.verify(audit))
              .as("chain continued after restart")
              .isInstanceOf(VerifyResult.Intact.class);
        }
        long ok = runLoadThenKill(server, 300 + random.nextInt(1200));
        assertThat(ok).as("commands answered before the kill in round %d", round).isPositive();
        commandsBefore += ok;
      }
      if (tearByHand) {
        tearTail(audit);
      }
      VerifyResult result = AuditLog.verify(audit);
      assertThat(result)
          .as("audit log after kill %d", round)
          .isNotInstanceOf(VerifyResult.Tampered.class);
      outcomes.add(result instanceof VerifyResult.TornTail ? "torn" : "intact");
      if (tearByHand) {
        assertThat(result).isInstanceOf(VerifyResult.TornTail.class);
      }
      assertThat(UserStore.open(data.resolve("users.json")).find("alice")).isPresent();
      KeyMaterial identity =
          ServerIdentity.loadPem(
              data.resolve(ServerIdentity.CERT_FILE), data.resolve(ServerIdentity.KEY_FILE));
      if (fingerprint != null) {
        assertThat(identity.fingerprint())
            .as("server identity after crash %d", round)
            .isEqualTo(fingerprint);
      }
      fingerprint = identity.fingerprint();
    }

    // A last restart: it recovers the hand-torn tail, serves, and stops cleanly with an intact
    // chain.
    try (ServerProcess server = ServerProcess.start(data, commands, null)) {
      assertThat(count(audit, "log_recovered")).isPositive();
      try (RcxClient c = server.loggedIn("alice", "pw", Duration.ofSeconds(30))) {
        assertThat(c.exec("echo", List.of("after", "crashes")))
            .isInstanceOfSatisfying(
                Response.CommandOutput.class,
                o -> assertThat(o.output()).isEqualTo("after crashes\n"));
      }
      assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
    }
    assertThat(AuditLog.verify(audit)).isInstanceOf(VerifyResult.Intact.class);
    assertThat(count(audit, "command_run")).isGreaterThanOrEqualTo(commandsBefore);
    System.out.printf(
        "crash test: %d rounds, %d commands answered before the kills, logs after kill: %s%n",
        ROUNDS, commandsBefore, outcomes);
  }

  /**
   * Runs commands from several clients until {@code loadMillis} have passed, then SIGKILLs the
   * server.
   */
  private static long runLoadThenKill(ServerProcess server, long loadMillis) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Long>> workers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < LOAD_THREADS; t++) {
        RcxClient c = server.loggedIn("alice", "pw", Duration.ofSeconds(20));
        int id = t;
        workers.add(pool.submit(() -> load(c, id, stop)));
      }
      Thread.sleep(loadMillis);
      server.kill();
      stop.set(true);
      long ok = 0;
      for (Future<Long> w : workers) {
        ok += w.get(30, TimeUnit.SECONDS);
      }
      return ok;
    }
  }

  /** Commands answered on one connection until it breaks (the kill) or {@code stop} is set. */
  private static long load(RcxClient client, int id, AtomicBoolean stop) {
    long ok = 0;
    try (client) {
      for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
        Response r =
            client.exec("echo", List.of("load", Integer.toString(id), Integer.toString(i)));
        if (r instanceof Response.CommandOutput) {
          ok++;
        }
      }
    } catch (IOException e) {
      // The server was killed under us: expected.
    }
    return ok;
  }

  /**
   * Appends the first half of the last record without its newline: what a write cut short leaves.
   */
  private static void tearTail(Path audit) throws IOException {
    List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
    String last = lines.getLast();
    Files.writeString(
        audit,
        last.substring(0, last.length() / 2),
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
  }

  private static long count(Path audit, String event) throws IOException {
    if (!Files.exists(audit)) {
      return 0;
    }
    long n = 0;
    for (JsonNode e : SigtermTest.events(audit)) {
      if (e.path("event").asText().equals(event)) {
        n++;
      }
    }
    return n;
  }
}
