package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.config.ServerConfig;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One user cannot starve the others: a greedy user keeps many real {@code sleep} commands running
 * and queued, and another user's command still runs within a small bound; a user at their session
 * limit is refused while others log in.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FairnessTest {
  private static final int SLEEP_SECONDS = 3;

  @TempDir Path dir;

  private static ServerConfig slots(ServerConfig c, int global, int perUser) {
    ServerConfig.Limits l = c.limits();
    ServerConfig.Limits commands =
        new ServerConfig.Limits(
            l.maxConnections(),
            l.maxLineBytes(),
            l.handshakeTimeout(),
            l.idleTimeout(),
            l.lineTimeout(),
            global,
            Duration.ofSeconds(60),
            l.shutdownGrace(),
            l.authTimeout(),
            l.maxConnectionsPerAddress(),
            perUser,
            l.auditRecordsPerAddress());
    return c.withLimits(commands);
  }

  /**
   * Greedy holds its cap of slots and queues more; the other user still has free slots. On a single
   * global fair queue the polite command would wait behind greedy's sleeps.
   */
  @Test
  void greedyUserAtItsCap_otherUsersCommandRunsAtOnce() throws Exception {
    Duration polite = politeLatency(4, 2, 8);
    assertThat(polite)
        .as("polite user's echo while greedy is at its cap")
        .isLessThan(Duration.ofSeconds(2));
  }

  /**
   * Every slot is busy with greedy's sleeps and greedy queues many more: the other user waits only
   * until one slot frees, not behind greedy's queue.
   */
  @Test
  void allSlotsBusy_otherUserServedAtTheNextFreeSlot_notBehindTheGreedyQueue() throws Exception {
    Duration polite = politeLatency(2, 2, 8);
    assertThat(polite)
        .as("polite user's echo behind a full server with greedy's queue of 6")
        .isLessThan(Duration.ofSeconds(SLEEP_SECONDS + 2));
  }

  private Duration politeLatency(int global, int perUser, int greedyCommands) throws Exception {
    try (TestServer s =
        TestServer.builder(dir.resolve("g" + global))
            .config(c -> slots(c, global, perUser))
            .start()) {
      String greedy = Hostile.token(s, "greedy", "pw");
      String polite = Hostile.token(s, "polite", "pw");
      ConcurrentLinkedQueue<String> greedyReplies = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < greedyCommands; i++) {
        threads.add(
            Thread.ofPlatform()
                .name("greedy-" + i)
                .start(
                    () -> {
                      try (Wire w = Hostile.wireFrom(s, "127.0.0.40")) {
                        JsonNode r = w.call(Hostile.command(greedy, "sleep " + SLEEP_SECONDS));
                        greedyReplies.add(r.path("type").asText());
                      } catch (Exception e) {
                        greedyReplies.add("failed: " + e);
                      }
                    }));
      }
      long wait = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (s.server().runningCommands() < Math.min(global, perUser) && System.nanoTime() < wait) {
        Hostile.sleep(Duration.ofMillis(20));
      }
      assertThat(s.server().runningCommands()).isEqualTo(Math.min(global, perUser));
      Hostile.sleep(Duration.ofMillis(300)); // the rest of greedy's requests are queued by now
      long start = System.nanoTime();
      try (Wire w = Hostile.wireFrom(s, "127.0.0.41")) {
        JsonNode r = w.call(Hostile.command(polite, "echo polite"));
        assertThat(r.path("type").asText()).as(r.toString()).isEqualTo("command_output");
      }
      Duration latency = Duration.ofNanos(System.nanoTime() - start);
      for (Thread t : threads) {
        t.join(Duration.ofSeconds(60));
      }
      System.out.printf(
          "FAIRNESS: slots %d, per user %d, greedy sent %d x sleep %d: polite echo took %d ms;"
              + " greedy replies %s%n",
          global, perUser, greedyCommands, SLEEP_SECONDS, latency.toMillis(), greedyReplies);
      assertThat(greedyReplies).hasSize(greedyCommands).allMatch("command_output"::equals);
      return latency;
    }
  }

  @Test
  void userAtSessionLimit_refusedNamingIt_othersLogIn() throws Exception {
    try (TestServer s =
        TestServer.start(
            dir,
            c ->
                c.withSessions(
                    new ServerConfig.Sessions(
                        Duration.ofMinutes(5), Duration.ofHours(1), false, 100, 3)))) {
      s.addUser("hog", "pw").addUser("other", "pw");
      List<String> tokens = new ArrayList<>();
      try (Wire w = Hostile.wireFrom(s, "127.0.0.42")) {
        for (int i = 0; i < 3; i++) {
          JsonNode ok = w.call(Wire.auth("hog", "pw"));
          assertThat(ok.path("status").asText()).isEqualTo("success");
          tokens.add(ok.path("session_token").asText());
        }
        JsonNode refused = w.call(Wire.auth("hog", "pw"));
        assertThat(refused.path("code").asText()).isEqualTo("SERVER_BUSY");
        assertThat(refused.path("message").asText()).contains("sessions.max_sessions_per_user");
        assertThat(w.call(Wire.auth("other", "pw")).path("status").asText()).isEqualTo("success");
        w.call("{\"type\":\"logout\",\"session_token\":\"" + tokens.getFirst() + "\"}");
        assertThat(w.call(Wire.auth("hog", "pw")).path("status").asText()).isEqualTo("success");
      }
      s.awaitAudit("auth_failed", e -> "max_sessions_per_user".equals(e.path("reason").asText()));
    }
  }
}
