package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.VerifyResult;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestConfigs;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection and session life cycle: idle connections, address-bound tokens, login throttling by
 * address, shutdown.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleTest {
  private static final String PW = "life-pw";

  @TempDir Path dir;

  @Test
  void idleConnection_closedAtIdleTimeoutAndAudited() throws Exception {
    try (TestServer s =
            TestServer.start(dir, TestConfigs.limits(l -> l.idleTimeout = Duration.ofMillis(400)));
        Wire w = s.wire()) {
      assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
      assertThat(w.closedByPeer(Duration.ofSeconds(10))).isTrue();
      JsonNode closed =
          s.awaitAudit("connection_closed", e -> e.path("reason").asText().equals("idle_timeout"));
      assertThat(closed.path("requests").asInt()).isEqualTo(1);
      s.assertStillServes();
    }
  }

  @Test
  void runningCommandLongerThanIdleTimeout_notCutOff() throws Exception {
    try (TestServer s =
        TestServer.start(dir, TestConfigs.limits(l -> l.idleTimeout = Duration.ofMillis(300)))) {
      s.addUser("alice", PW);
      try (Wire w = s.wire()) {
        String token = w.call(Wire.auth("alice", PW)).path("session_token").asText();
        JsonNode r = w.call(Wire.command(token, "sleep 1"));
        assertThat(r.path("status").asText()).as("reply %s", r).isEqualTo("success");
      }
    }
  }

  @Test
  void bindToAddress_tokenFromOtherAddress_invalidToken() throws Exception {
    try (TestServer s = TestServer.start(dir, TestConfigs.sessions(x -> x.bindToAddress = true))) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      try (Wire other = s.wireFrom("127.0.0.2")) {
        JsonNode r = other.call(Wire.command(token, "echo hi"));
        assertThat(r.path("code").asText()).isEqualTo("INVALID_TOKEN");
      }
      try (Wire same = s.wire()) {
        assertThat(same.call(Wire.command(token, "echo hi")).path("output").asText())
            .isEqualTo("hi\n");
      }
      JsonNode rejected = s.awaitAudit("token_rejected", e -> true);
      assertThat(rejected.path("client").asText()).startsWith("127.0.0.2:");
      assertThat(rejected.path("user").asText()).isEqualTo("alice");
    }
  }

  @Test
  void bindToAddressOff_tokenWorksFromOtherAddress() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      try (Wire other = s.wireFrom("127.0.0.2")) {
        assertThat(other.call(Wire.command(token, "echo hi")).path("output").asText())
            .isEqualTo("hi\n");
      }
    }
  }

  @Test
  void loginSpray_manyUsersFromOneAddress_throttlesThatAddressOnly() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      try (Wire attacker = s.wire()) {
        String code = "";
        for (int i = 0; i < 20 && !code.equals("RATE_LIMITED"); i++) {
          code = attacker.call(Wire.auth("user" + i, "guess")).path("code").asText();
        }
        assertThat(code).isEqualTo("RATE_LIMITED");
        assertThat(attacker.call(Wire.auth("alice", PW)).path("code").asText())
            .isEqualTo("RATE_LIMITED");
      }
      try (Wire elsewhere = s.wireFrom("127.0.0.2")) {
        assertThat(elsewhere.call(Wire.auth("alice", PW)).path("status").asText())
            .as("a user is never locked out from another address")
            .isEqualTo("success");
      }
    }
  }

  @Test
  void shutdown_runningCommandWithinGrace_finishesAndIsAnswered() throws Exception {
    TestServer s = TestServer.builder(dir).shutdownGrace(Duration.ofSeconds(10)).start();
    s.addUser("alice", PW);
    String token = s.token("alice", PW);
    try (Wire w = s.wire()) {
      w.send(Wire.command(token, "sleep 1"));
      Poll.until(
          "command running", Duration.ofSeconds(15), () -> s.server().runningCommands() == 1);
      Thread closer = Thread.ofVirtual().start(s::close);
      JsonNode r = w.readJson();
      assertThat(r.path("status").asText()).isEqualTo("success");
      closer.join(Duration.ofSeconds(15));
      assertThat(closer.isAlive()).isFalse();
      assertThat(w.closedByPeer(Duration.ofSeconds(15))).isTrue();
    }
    List<String> lines = Files.readAllLines(s.auditFile());
    assertThat(lines.get(lines.size() - 2)).contains("\"event\":\"server_stopped\"");
    assertThat(lines.getLast()).contains("\"event\":\"seal\"").contains("\"reason\":\"close\"");
    assertThat(AuditLog.verify(s.auditFile())).isInstanceOf(VerifyResult.Intact.class);
  }

  @Test
  void shutdown_commandOutlivesGrace_killedAndAudited() throws Exception {
    TestServer s = TestServer.builder(dir).shutdownGrace(Duration.ofMillis(100)).start();
    s.addUser("alice", PW);
    String token = s.token("alice", PW);
    long pid;
    try (Wire w = s.wire()) {
      w.send(Wire.command(token, "pidsleep"));
      pid = FailureModesTest.readPid(s.commands().pidFile("pidsleep"));
      s.close();
      assertThat(w.closedByPeer(Duration.ofSeconds(10))).isTrue();
    }
    Poll.until("pidsleep killed at shutdown", Duration.ofSeconds(10), () -> !Poll.alive(pid));
    List<String> lines = Files.readAllLines(s.auditFile());
    assertThat(lines)
        .anyMatch(
            l ->
                l.contains("\"command\":\"pidsleep\"")
                    && l.contains("\"outcome\":\"server_shutdown\""));
    assertThat(lines.get(lines.size() - 2)).contains("\"event\":\"server_stopped\"");
    assertThat(lines.getLast()).contains("\"event\":\"seal\"").contains("\"reason\":\"close\"");
    assertThat(AuditLog.verify(s.auditFile())).isInstanceOf(VerifyResult.Intact.class);
  }
}
