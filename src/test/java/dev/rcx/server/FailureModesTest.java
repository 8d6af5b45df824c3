package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestConfigs;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import dev.rcx.tls.ClientTls;
import dev.rcx.tls.ClientTrust;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures the design names, each provoked over a real socket: the server must audit each one
 * and keep serving other clients afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailureModesTest {
  private static final String PW = "correct horse";

  @TempDir Path dir;

  @Test
  void disconnect_midLine_auditedAndServerKeepsServing() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      Wire w = s.wire();
      // A full exchange first, so the server is past the handshake and reading lines.
      assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
      w.write("{\"type\":\"ping\",\"id\":\"half");
      Thread.sleep(100);
      w.abort();
      JsonNode closed =
          s.awaitAudit("connection_closed", e -> e.path("reason").asText().startsWith("client_"));
      assertThat(closed.path("reason").asText()).startsWith("client_disconnected");
      assertThat(s.auditEvents("protocol_error")).isEmpty();
      s.assertStillServes();
    }
  }

  @Test
  void disconnect_midLineWithTlsClose_auditedAsMidLine() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      try (Wire w = s.wire()) {
        assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
        w.write("{\"type\":\"ping\"");
      }
      s.awaitAudit(
          "connection_closed",
          e -> e.path("reason").asText().equals("client_disconnected_mid_line"));
      s.assertStillServes();
    }
  }

  @Test
  void disconnect_midCommand_killsProcessAndAuditsCancelled() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      Path pidFile = s.commands().pidFile("pidsleep");
      Wire w = s.wire();
      w.send(Wire.command(token, "pidsleep"));
      long pid = readPid(pidFile);
      assertThat(Poll.alive(pid)).as("pidsleep runs before the disconnect").isTrue();

      w.abort();

      Poll.until(
          "pidsleep process " + pid + " killed", Duration.ofSeconds(10), () -> !Poll.alive(pid));
      JsonNode run =
          s.awaitAudit("command_run", e -> e.path("command").asText().equals("pidsleep"));
      assertThat(run.path("outcome").asText()).isEqualTo("cancelled");
      assertThat(run.path("user").asText()).isEqualTo("alice");
      assertThat(run.path("exit_code").isNull()).isTrue();
      s.awaitAudit(
          "connection_closed",
          e -> e.path("reason").asText().equals("client_disconnected_mid_command"));
      s.assertStillServes();
    }
  }

  @Test
  void disconnect_midCommand_killsWholeProcessTree() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      Path pidFile = s.commands().pidFile("tree");
      Wire w = s.wire();
      w.send(Wire.command(token, "tree"));
      Poll.until(
          "7 processes of the tree started",
          Duration.ofSeconds(10),
          () -> lines(pidFile).size() == 7);
      List<Long> pids = lines(pidFile).stream().map(Long::parseLong).toList();

      w.abort();

      Poll.until(
          "every process of the tree killed " + pids,
          Duration.ofSeconds(10),
          () -> pids.stream().noneMatch(Poll::alive));
      assertThat(
              s.awaitAudit("command_run", e -> e.path("command").asText().equals("tree"))
                  .path("outcome")
                  .asText())
          .isEqualTo("cancelled");
      s.assertStillServes();
    }
  }

  @Test
  void disconnect_whileCommandQueuedForSlot_commandKilledWhenItStarts() throws Exception {
    try (TestServer s =
        TestServer.start(
            dir,
            TestConfigs.limits(
                l -> {
                  l.maxConcurrentCommands = 1;
                  l.commandQueueWait = Duration.ofSeconds(20);
                }))) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      Path pidFile = s.commands().pidFile("pidsleep");
      try (Wire holder = s.wire()) {
        holder.send(Wire.command(token, "sleep 1"));
        Poll.until("slot taken", Duration.ofSeconds(15), () -> s.server().runningCommands() == 1);
        Wire queued = s.wire();
        queued.send(Wire.command(token, "pidsleep"));
        Thread.sleep(200); // let the server read it and start waiting for the slot
        queued.abort();
        assertThat(holder.readJson().path("status").asText()).isEqualTo("success");
      }
      // Once the slot frees the queued command may start, but its client is gone: it must end at
      // once (it would
      // otherwise sleep 60 s), audited as cancelled, and leave no process behind.
      // If the server had not yet taken the line from its queue when the reset arrived, it drops it
      // unrun; then the
      // connection's close is audited without a command. Either way it must settle long before
      // pidsleep's 60 s.
      Poll.until(
          "queued command cancelled or dropped",
          Duration.ofSeconds(20),
          () ->
              !runsOf(s, "pidsleep").isEmpty()
                  || s.auditEvents("connection_closed").stream()
                      .anyMatch(
                          e -> e.path("reason").asText().startsWith("client_disconnected: ")));
      assertThat(runsOf(s, "pidsleep"))
          .allSatisfy(r -> assertThat(r.path("outcome").asText()).isEqualTo("cancelled"));
      if (!lines(pidFile).isEmpty()) { // it may be killed before the script wrote its PID
        long pid = Long.parseLong(lines(pidFile).getFirst());
        Poll.until(
            "queued pidsleep " + pid + " killed", Duration.ofSeconds(10), () -> !Poll.alive(pid));
      }
      s.assertStillServes();
    }
  }

  @Test
  void auth_unknownUserAndWrongPassword_sameAnswerAndBothAudited() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      Response.AuthResponse.Failure wrongPassword;
      Response.AuthResponse.Failure unknownUser;
      try (RcxClient c = s.client()) {
        wrongPassword = (Response.AuthResponse.Failure) c.login("alice", "wrong".toCharArray());
        unknownUser = (Response.AuthResponse.Failure) c.login("mallory", "wrong".toCharArray());
        assertThat(c.ping()).as("connection stays usable").isInstanceOf(Response.Pong.class);
      }
      assertThat(wrongPassword.code()).isEqualTo(ErrorCode.AUTH_FAILED);
      assertThat(unknownUser.code()).isEqualTo(ErrorCode.AUTH_FAILED);
      assertThat(unknownUser.message()).isEqualTo(wrongPassword.message());
      assertThat(unknownUser.message()).doesNotContain("mallory").doesNotContain("alice");
      List<JsonNode> failed = s.auditEvents("auth_failed");
      assertThat(failed)
          .extracting(e -> e.path("user").asText())
          .containsExactly("alice", "mallory");
      s.assertStillServes();
    }
  }

  @Test
  void token_idleTimeoutPassed_tokenExpired() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      try (RcxClient c = s.loggedIn("alice", PW)) {
        assertThat(c.exec("echo a")).isInstanceOf(Response.CommandOutput.class);
        s.clock().advance(s.config().sessions().idleTimeout().plusSeconds(1));
        assertThat(errorCode(c.exec("echo b"))).isEqualTo(ErrorCode.TOKEN_EXPIRED);
      }
      JsonNode rejected = s.awaitAudit("token_rejected", e -> true);
      assertThat(rejected.path("code").asText()).isEqualTo("TOKEN_EXPIRED");
      assertThat(rejected.path("user").asText()).isEqualTo("alice");
      s.assertStillServes();
    }
  }

  @Test
  void token_usedJustWithinIdleTimeout_staysValid() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      try (RcxClient c = s.loggedIn("alice", PW)) {
        s.clock().advance(s.config().sessions().idleTimeout().minusSeconds(1));
        assertThat(c.exec("echo a")).isInstanceOf(Response.CommandOutput.class);
      }
    }
  }

  @Test
  void token_lifetimePassedDespiteUse_tokenExpired() throws Exception {
    try (TestServer s =
        TestServer.start(
            dir,
            TestConfigs.sessions(
                x -> {
                  x.idleTimeout = Duration.ofMinutes(15);
                  x.lifetime = Duration.ofHours(1);
                }))) {
      s.addUser("alice", PW);
      try (RcxClient c = s.loggedIn("alice", PW)) {
        for (int i = 0; i < 5; i++) { // 50 minutes of regular use: still valid
          s.clock().advance(Duration.ofMinutes(10));
          assertThat(c.exec("echo a"))
              .as("use after %d min", (i + 1) * 10)
              .isInstanceOf(Response.CommandOutput.class);
        }
        s.clock().advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(errorCode(c.exec("echo b"))).isEqualTo(ErrorCode.TOKEN_EXPIRED);
      }
      assertThat(s.auditEvents("token_rejected"))
          .extracting(e -> e.path("code").asText())
          .containsExactly("TOKEN_EXPIRED");
      s.assertStillServes();
    }
  }

  @Test
  void token_unknown_invalidToken() throws Exception {
    try (TestServer s = TestServer.start(dir);
        RcxClient c = s.client()) {
      c.useToken("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
      assertThat(errorCode(c.exec("echo a"))).isEqualTo(ErrorCode.INVALID_TOKEN);
      assertThat(c.ping()).isInstanceOf(Response.Pong.class);
      assertThat(s.auditEvents("token_rejected"))
          .extracting(e -> e.path("code").asText())
          .containsExactly("INVALID_TOKEN");
      s.assertStillServes();
    }
  }

  @Test
  void token_afterLogout_invalidTokenEverywhere() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token;
      try (RcxClient c = s.loggedIn("alice", PW)) {
        token = c.token();
        assertThat(c.logout()).isEqualTo(new Response.LogoutResponse("success", null));
        c.useToken(token);
        assertThat(errorCode(c.exec("echo a"))).isEqualTo(ErrorCode.INVALID_TOKEN);
      }
      try (RcxClient other = s.client()) {
        other.useToken(token);
        assertThat(errorCode(other.exec("echo a"))).isEqualTo(ErrorCode.INVALID_TOKEN);
      }
      assertThat(s.auditEvents("logged_out")).hasSize(1);
      assertThat(s.auditEvents("token_rejected")).hasSize(2);
      s.assertStillServes();
    }
  }

  @Test
  void token_reusedOnNewConnection_works() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      try (RcxClient fresh = s.client()) {
        fresh.useToken(token);
        Response r = fresh.exec("echo", List.of("again"));
        assertThat(r).isInstanceOf(Response.CommandOutput.class);
        assertThat(((Response.CommandOutput) r).output()).isEqualTo("again\n");
      }
      assertThat(s.auditEvents("auth_succeeded")).hasSize(1);
      JsonNode run = s.auditEvents("command_run").getFirst();
      assertThat(run.path("session").asText())
          .isEqualTo(s.auditEvents("auth_succeeded").getFirst().path("session").asText());
    }
  }

  @Test
  void malformedJson_answeredAndConnectionStaysUsable() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = s.wire()) {
      JsonNode error = w.call("{\"type\":\"ping\"");
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.path("code").asText()).isEqualTo("MALFORMED_JSON");
      assertThat(w.call("not json at all").path("code").asText()).isEqualTo("MALFORMED_JSON");
      assertThat(w.call("{\"type\":\"ping\",\"type\":\"ping\"}").path("code").asText())
          .isEqualTo("MALFORMED_JSON");
      assertThat(w.call("{\"type\":\"ping\",\"id\":\"after\"}").toString())
          .isEqualTo("{\"type\":\"pong\",\"id\":\"after\"}");
      assertThat(s.auditEvents("protocol_error"))
          .hasSize(3)
          .allSatisfy(e -> assertThat(e.path("code").asText()).isEqualTo("MALFORMED_JSON"));
      s.assertStillServes();
    }
  }

  @Test
  void partialData_requestInSmallPiecesWithPauses_accepted() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      try (Wire w = s.wire()) {
        byte[] line =
            (Wire.command(token, "echo", "pieces") + "\n").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < line.length; i += 7) {
          w.write(java.util.Arrays.copyOfRange(line, i, Math.min(line.length, i + 7)));
          Thread.sleep(10);
        }
        JsonNode reply = w.readJson();
        assertThat(reply.path("type").asText()).isEqualTo("command_output");
        assertThat(reply.path("output").asText()).isEqualTo("pieces\n");
      }
    }
  }

  @Test
  void partialData_lineNeverCompletes_closedAtLineTimeoutAndAudited() throws Exception {
    try (TestServer s =
            TestServer.start(dir, TestConfigs.limits(l -> l.lineTimeout = Duration.ofMillis(500)));
        Wire w = s.wire()) {
      long start = System.nanoTime();
      w.write("{\"type\":\"pi");
      assertThat(w.closedByPeer(Duration.ofSeconds(10))).as("closed by the server").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(450));
      s.awaitAudit("connection_closed", e -> e.path("reason").asText().equals("line_timeout"));
      s.assertStillServes();
    }
  }

  @Test
  void partialData_idleBetweenLinesLongerThanLineTimeout_staysOpen() throws Exception {
    try (TestServer s =
            TestServer.start(dir, TestConfigs.limits(l -> l.lineTimeout = Duration.ofMillis(300)));
        Wire w = s.wire()) {
      assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
      assertThat(w.closedByPeer(Duration.ofMillis(800)))
          .as("no line started, so no line timeout")
          .isFalse();
      assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void tlsHandshake_plaintextClientOnTlsPort_failsAndAudited() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      try (Socket plain = s.rawPlain()) {
        plain.getOutputStream().write("{\"type\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
        plain.getOutputStream().flush();
        Wire w = new Wire(plain);
        assertThat(w.closedByPeer(Duration.ofSeconds(10))).isTrue();
      }
      JsonNode failed = s.awaitAudit("tls_handshake_failed", e -> true);
      assertThat(failed.path("client").asText()).startsWith("127.0.0.1:");
      s.awaitAudit(
          "connection_closed", e -> e.path("reason").asText().equals("tls_handshake_failed"));
      s.assertStillServes();
    }
  }

  @Test
  void tlsHandshake_clientRejectsServerCertificate_failsOnBothSidesAndAudited() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      ClientTrust wrongPin = new ClientTrust.PinnedFingerprint("00".repeat(32));
      RcxClient.Endpoint e =
          new RcxClient.Endpoint(
              "127.0.0.1",
              s.port(),
              ClientTls.context(wrongPin),
              ClientTls.parameters(wrongPin, false),
              Duration.ofSeconds(15),
              Duration.ofSeconds(10));
      assertThatThrownBy(() -> RcxClient.connect(e)).isInstanceOf(SSLHandshakeException.class);
      s.awaitAudit("tls_handshake_failed", x -> true);
      s.assertStillServes();
    }
  }

  @Test
  void tlsHandshake_clientSendsNothing_closedAtHandshakeTimeoutAndAudited() throws Exception {
    try (TestServer s =
            TestServer.start(
                dir, TestConfigs.limits(l -> l.handshakeTimeout = Duration.ofMillis(500)));
        Socket silent = s.rawPlain()) {
      assertThat(new Wire(silent).closedByPeer(Duration.ofSeconds(10))).isTrue();
      JsonNode failed = s.awaitAudit("tls_handshake_failed", x -> true);
      assertThat(failed.path("reason").asText()).isEqualTo("handshake_timeout");
      s.assertStillServes();
    }
  }

  @Test
  void tlsHandshake_tls12Client_refusedByTls13OnlyServer() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      SSLSocket tls =
          (SSLSocket)
              s.pinnedContext()
                  .getSocketFactory()
                  .createSocket(s.rawPlain(), "127.0.0.1", s.port(), true);
      tls.setEnabledProtocols(new String[] {"TLSv1.2"});
      try (tls) {
        assertThatThrownBy(tls::startHandshake).isInstanceOf(IOException.class);
      }
      s.awaitAudit("tls_handshake_failed", x -> true);
      s.assertStillServes();
    }
  }

  private static List<JsonNode> runsOf(TestServer s, String command) {
    return s.auditEvents("command_run").stream()
        .filter(e -> e.path("command").asText().equals(command))
        .toList();
  }

  static ErrorCode errorCode(Response r) {
    assertThat(r).isInstanceOf(Response.Error.class);
    return ((Response.Error) r).code();
  }

  static long readPid(Path pidFile) {
    Poll.until("pid in " + pidFile, Duration.ofSeconds(10), () -> !lines(pidFile).isEmpty());
    return Long.parseLong(lines(pidFile).getFirst());
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
