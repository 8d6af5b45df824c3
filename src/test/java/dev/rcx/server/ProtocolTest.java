package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestConfigs;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error code the server can produce, produced over a real TLS connection; plus ids, ping and
 * framing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolTest {
  private static final String PW = "s3cret-pw";

  /**
   * Codes seen by the tests in this class; {@link #everyCodeProduced()} checks the set is complete.
   */
  private static final Set<ErrorCode> SEEN = EnumSet.noneOf(ErrorCode.class);

  @TempDir Path dir;

  private static JsonNode expectError(JsonNode reply, ErrorCode code) {
    assertThat(reply.path("code").asText()).as("reply %s", reply).isEqualTo(code.name());
    assertThat(reply.path("message").asText()).isNotBlank();
    SEEN.add(code);
    return reply;
  }

  @Test
  void unknownType_unknownTypeAndStaysOpen() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = s.wire()) {
      JsonNode r =
          expectError(w.call("{\"type\":\"frobnicate\",\"id\":\"u1\"}"), ErrorCode.UNKNOWN_TYPE);
      assertThat(r.path("type").asText()).isEqualTo("error");
      assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
      assertThat(s.auditEvents("protocol_error"))
          .extracting(e -> e.path("code").asText())
          .containsExactly("UNKNOWN_TYPE");
    }
  }

  @Test
  void invalidRequest_missingUnknownMistypedOrEmpty_invalidRequestNamingTheField()
      throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      try (Wire w = s.wire()) {
        // Logged in: before that, a few protocol errors close the connection (DoorTest).
        w.call(Wire.command(token, "echo in"));
        assertThat(
                expectError(
                        w.call("{\"type\":\"auth\",\"username\":\"alice\"}"),
                        ErrorCode.INVALID_REQUEST)
                    .path("message")
                    .asText())
            .contains("password_hash");
        assertThat(
                expectError(
                        w.call("{\"type\":\"ping\",\"color\":\"red\"}"), ErrorCode.INVALID_REQUEST)
                    .path("message")
                    .asText())
            .contains("color");
        assertThat(
                expectError(
                        w.call(
                            "{\"type\":\"command\",\"session_token\":\""
                                + token
                                + "\",\"command\":7}"),
                        ErrorCode.INVALID_REQUEST)
                    .path("message")
                    .asText())
            .contains("command");
        expectError(w.call("[1,2]"), ErrorCode.INVALID_REQUEST);
        expectError(w.call(Wire.command(token, "   ")), ErrorCode.INVALID_REQUEST);
        assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
      }
    }
  }

  @Test
  void invalidRequest_outOfRangeFields_invalidRequest() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = loggedIn(s)) {
      expectError(
          w.call("{\"type\":\"ping\",\"id\":\"" + "i".repeat(129) + "\"}"),
          ErrorCode.INVALID_REQUEST);
      expectError(
          w.call(
              "{\"type\":\"auth\",\"username\":\""
                  + "u".repeat(65)
                  + "\",\"password_hash\":\""
                  + "a".repeat(64)
                  + "\"}"),
          ErrorCode.INVALID_REQUEST);
      expectError(
          w.call("{\"type\":\"auth\",\"username\":\"alice\",\"password_hash\":\"not-hex\"}"),
          ErrorCode.INVALID_REQUEST);
      expectError(
          w.call(
              "{\"type\":\"command\",\"session_token\":\"t\",\"command\":\"echo\",\"args\":[1]}"),
          ErrorCode.INVALID_REQUEST);
      expectError(w.call("{\"id\":\"no-type\"}"), ErrorCode.INVALID_REQUEST);
      assertThat(w.call("{\"type\":\"ping\",\"id\":null}").toString())
          .isEqualTo("{\"type\":\"pong\"}");
      assertThat(
              w.call("{\"type\":\"ping\",\"id\":\"" + "i".repeat(128) + "\"}")
                  .path("type")
                  .asText())
          .isEqualTo("pong");
    }
  }

  @Test
  void serverMessageTypeSentByClient_unknownType() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = s.wire()) {
      expectError(w.call("{\"type\":\"pong\"}"), ErrorCode.UNKNOWN_TYPE);
      expectError(
          w.call("{\"type\":\"auth_response\",\"status\":\"success\"}"), ErrorCode.UNKNOWN_TYPE);
    }
  }

  @Test
  void manyConsecutiveBadRequests_connectionClosed() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = loggedIn(s)) {
      StringBuilder junk = new StringBuilder();
      for (int i = 0; i < 16; i++) {
        junk.append("junk ").append(i).append('\n');
      }
      w.write(junk.toString());
      int replies = 0;
      for (int i = 0; i < 16 && w.readLine() != null; i++) {
        replies++;
      }
      assertThat(replies).isEqualTo(16);
      assertThat(w.closedByPeer(Duration.ofSeconds(15))).isTrue();
      s.awaitAudit(
          "connection_closed", e -> e.path("reason").asText().equals("too_many_protocol_errors"));
    }
  }

  @Test
  void badRequestsInterleavedWithGoodOnes_connectionStaysOpen() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = loggedIn(s)) {
      for (int i = 0; i < 40; i++) {
        String line = i % 4 == 3 ? "{\"type\":\"ping\"}" : "junk";
        assertThat(w.call(line).path("type").asText()).isEqualTo(i % 4 == 3 ? "pong" : "error");
      }
    }
  }

  @Test
  void malformedJson_malformedJson() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = s.wire()) {
      expectError(w.call("{\"type\":"), ErrorCode.MALFORMED_JSON);
      expectError(w.call("{\"type\":\"ping\"} trailing"), ErrorCode.MALFORMED_JSON);
      expectError(w.call("[".repeat(40) + "]".repeat(40)), ErrorCode.MALFORMED_JSON);
      assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void lineTooLong_errorThenConnectionClosed() throws Exception {
    try (TestServer s = TestServer.start(dir, TestConfigs.limits(l -> l.maxLineBytes = 1024));
        Wire w = s.wire()) {
      w.write("{\"type\":\"ping\",\"id\":\"" + "x".repeat(4000) + "\"}\n");
      expectError(w.readJson(), ErrorCode.LINE_TOO_LONG);
      assertThat(w.closedByPeer(Duration.ofSeconds(15))).isTrue();
      s.awaitAudit("connection_closed", e -> e.path("reason").asText().equals("line_too_long"));
      assertThat(s.auditEvents("protocol_error"))
          .extracting(e -> e.path("code").asText())
          .containsExactly("LINE_TOO_LONG");
      s.assertStillServes();
    }
  }

  @Test
  void lineUnderLimit_accepted() throws Exception {
    try (TestServer s = TestServer.start(dir, TestConfigs.limits(l -> l.maxLineBytes = 1024));
        Wire w = s.wire()) {
      String line = Wire.command("no-such-token", "echo " + "x".repeat(900));
      assertThat(line.length()).isBetween(950, 1000);
      // Read and decoded (the token is then refused), not cut off as too long.
      expectError(w.call(line), ErrorCode.INVALID_TOKEN);
      expectError(
          w.call(Wire.command("no-such-token", "echo " + "x".repeat(1100))),
          ErrorCode.LINE_TOO_LONG);
    }
  }

  @Test
  void commandNotAllowed_unknownCommandOrMissingRole_commandNotAllowed() throws Exception {
    try (TestServer s =
        TestServer.builder(dir)
            .commands(c -> c.command("opsonly", "/bin/echo", e -> e.users().roles("ops")))
            .start()) {
      s.addUser("alice", PW);
      s.addUser("olga", PW, "ops");
      try (RcxClient alice = s.loggedIn("alice", PW);
          RcxClient olga = s.loggedIn("olga", PW)) {
        assertThat(code(alice.exec("rm -rf /"))).isEqualTo(ErrorCode.COMMAND_NOT_ALLOWED);
        assertThat(code(alice.exec("/bin/echo hi"))).isEqualTo(ErrorCode.COMMAND_NOT_ALLOWED);
        assertThat(code(alice.exec("opsonly"))).isEqualTo(ErrorCode.COMMAND_NOT_ALLOWED);
        assertThat(olga.exec("opsonly")).isInstanceOf(Response.CommandOutput.class);
      }
      assertThat(s.auditEvents("command_denied"))
          .extracting(e -> e.path("code").asText() + " " + e.path("command").asText())
          .containsExactly(
              "COMMAND_NOT_ALLOWED rm",
              "COMMAND_NOT_ALLOWED /bin/echo",
              "COMMAND_NOT_ALLOWED opsonly");
    }
  }

  @Test
  void argumentNotAllowed_shellSyntaxOrBadArgument_refusedAndNothingRuns() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      try (RcxClient c = s.loggedIn("alice", PW)) {
        for (String line :
            List.of(
                "echo hi; id",
                "echo $(id)",
                "echo `id`",
                "echo hi | id",
                "echo hi && id",
                "echo > /tmp/x",
                "exit abc",
                "exit 1 2",
                "nap extra")) {
          assertThat(code(c.exec(line))).as(line).isEqualTo(ErrorCode.ARGUMENT_NOT_ALLOWED);
        }
        assertThat(code(c.exec("echo", List.of("a\u0001b"))))
            .isEqualTo(ErrorCode.ARGUMENT_NOT_ALLOWED);
      }
      assertThat(s.auditEvents("command_run")).isEmpty();
      assertThat(s.auditEvents("command_denied")).hasSize(10);
    }
  }

  @Test
  void serverBusy_maxConnectionsExceeded_busyThenClosedAndAudited() throws Exception {
    try (TestServer s = TestServer.start(dir, TestConfigs.limits(l -> l.maxConnections = 2))) {
      try (Wire a = s.wire();
          Wire b = s.wire()) {
        // Both are being served (past accept) once they answered.
        assertThat(a.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
        assertThat(b.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
        try (Wire third = s.wire()) {
          expectError(third.readJson(), ErrorCode.SERVER_BUSY);
          assertThat(third.closedByPeer(Duration.ofSeconds(15))).isTrue();
        }
        JsonNode rejected = s.awaitAudit("connection_rejected", e -> true);
        assertThat(rejected.path("client").asText()).startsWith("127.0.0.1:");
        assertThat(a.call("{\"type\":\"ping\"}").path("type").asText())
            .as("existing connection unaffected")
            .isEqualTo("pong");
      }
      s.awaitAudit("connection_closed", e -> e.path("reason").asText().equals("client_closed"));
      // A slot frees once a connection ends; the server then serves again.
      Poll.until(
          "both connections ended",
          Duration.ofSeconds(15),
          () -> s.server().activeConnections() == 0);
      s.assertStillServes();
    }
  }

  @Test
  void serverBusy_noFreeCommandSlot_busyAndConnectionStaysOpen() throws Exception {
    try (TestServer s =
        TestServer.start(
            dir,
            TestConfigs.limits(
                l -> {
                  l.maxConcurrentCommands = 1;
                  l.commandQueueWait = Duration.ZERO;
                }))) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      try (Wire sleeper = s.wire();
          RcxClient other = s.loggedIn("alice", PW)) {
        sleeper.send(Wire.command(token, "sleep 5"));
        Poll.until(
            "sleep running", Duration.ofSeconds(15), () -> s.server().runningCommands() == 1);
        Response r = other.exec("echo hi");
        assertThat(code(r)).isEqualTo(ErrorCode.SERVER_BUSY);
        assertThat(other.ping()).isInstanceOf(Response.Pong.class);
      }
      s.awaitAudit("command_run", e -> e.path("outcome").asText().equals("busy"));
    }
  }

  @Test
  void rateLimited_repeatedFailures_rateLimitedWithRetryAfterUntilClockMoves() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      try (RcxClient c = s.client()) {
        Response.AuthResponse.Failure last = null;
        for (int i = 0; i < 10 && (last == null || last.code() != ErrorCode.RATE_LIMITED); i++) {
          last = (Response.AuthResponse.Failure) c.login("alice", "wrong".toCharArray());
        }
        assertThat(last.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        SEEN.add(ErrorCode.RATE_LIMITED);
        assertThat(last.retryAfterMs()).isPositive();
        // While blocked, even the right password is refused without being checked.
        Response.AuthResponse.Failure blocked =
            (Response.AuthResponse.Failure) c.login("alice", PW.toCharArray());
        assertThat(blocked.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        s.clock().advance(Duration.ofMillis(blocked.retryAfterMs() + 1));
        assertThat(c.login("alice", PW.toCharArray()))
            .isInstanceOf(Response.AuthResponse.Success.class);
      }
      JsonNode limited = s.awaitAudit("rate_limited", e -> true);
      assertThat(limited.path("user").asText()).isEqualTo("alice");
      assertThat(limited.path("retry_after_ms").asLong()).isPositive();
      s.assertStillServes();
    }
  }

  @Test
  void authFailed_andTokenCodes_produced() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      try (Wire w = s.wire()) {
        JsonNode r = w.call(Wire.auth("alice", "nope"));
        assertThat(r.path("type").asText()).isEqualTo("auth_response");
        assertThat(r.path("status").asText()).isEqualTo("failure");
        assertThat(r.path("code").asText()).isEqualTo("AUTH_FAILED");
        SEEN.add(ErrorCode.AUTH_FAILED);
        expectError(w.call(Wire.command("bogus-token", "echo hi")), ErrorCode.INVALID_TOKEN);
        String token = w.call(Wire.auth("alice", PW)).path("session_token").asText();
        s.clock().advance(Duration.ofDays(1));
        expectError(w.call(Wire.command(token, "echo hi")), ErrorCode.TOKEN_EXPIRED);
      }
    }
  }

  @Test
  void internal_commandCannotStart_internalAndAudited() throws Exception {
    try (TestServer s =
        TestServer.builder(dir).commands(c -> c.script("vanishing", "true", e -> e)).start()) {
      s.addUser("alice", PW);
      java.nio.file.Files.delete(s.commands().scriptFile("vanishing"));
      try (RcxClient c = s.loggedIn("alice", PW)) {
        Response r = c.exec("vanishing");
        assertThat(code(r)).isEqualTo(ErrorCode.INTERNAL);
        assertThat(c.ping()).isInstanceOf(Response.Pong.class);
      }
      s.awaitAudit("command_run", e -> e.path("outcome").asText().equals("launch_failed"));
    }
  }

  @Test
  void auditUnavailable_belowFreeSpaceReserve_commandNotStarted_connectionStaysOpen()
      throws Exception {
    try (TestServer s =
        TestServer.start(dir, c -> c.withAudit(c.audit().withMinFreeBytes(Long.MAX_VALUE / 2)))) {
      s.addUser("alice", PW);
      try (RcxClient c = s.loggedIn("alice", PW)) {
        Response r = c.exec("echo", List.of("never"));
        assertThat(code(r)).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
        assertThat(((Response.Error) r).message()).contains("was not started");
        assertThat(c.ping()).isInstanceOf(Response.Pong.class);
      }
      assertThat(s.auditEvents("command_started")).isEmpty();
      assertThat(s.auditEvents("command_run")).isEmpty();
    }
  }

  @Test
  void serverShutdown_commandOutlivesGrace_typedErrorThenClosed() throws Exception {
    TestServer s = TestServer.builder(dir).shutdownGrace(Duration.ofMillis(100)).start();
    try (Wire w = s.wire()) {
      s.addUser("alice", PW);
      String token = w.call(Wire.auth("alice", PW)).path("session_token").asText();
      w.send(Wire.command(token, "pidsleep"));
      FailureModesTest.readPid(s.commands().pidFile("pidsleep"));
      s.close();
      JsonNode r = w.readJson();
      assertThat(r.path("type").asText()).isEqualTo("error");
      SEEN.add(ErrorCode.valueOf(r.path("code").asText()));
      assertThat(r.path("code").asText()).isEqualTo("SERVER_SHUTDOWN");
      assertThat(w.closedByPeer(Duration.ofSeconds(10))).isTrue();
    } finally {
      s.close();
    }
  }

  @Test
  void id_echoedOnEveryReplyType() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = s.wire()) {
      s.addUser("alice", PW);
      assertThat(w.call("{\"type\":\"ping\",\"id\":\"p-1\"}").path("id").asText()).isEqualTo("p-1");
      JsonNode auth = w.call(Wire.auth("alice", PW).replace("}", ",\"id\":\"a-1\"}"));
      assertThat(auth.path("id").asText()).isEqualTo("a-1");
      String token = auth.path("session_token").asText();
      assertThat(
              w.call(Wire.command(token, "echo hi").replace("}", ",\"id\":\"c-1\"}"))
                  .path("id")
                  .asText())
          .isEqualTo("c-1");
      assertThat(
              w.call(Wire.command(token, "rm x").replace("}", ",\"id\":\"c-2\"}"))
                  .path("id")
                  .asText())
          .isEqualTo("c-2");
      assertThat(w.call("{\"type\":\"nope\",\"id\":\"e-1\"}").path("id").asText()).isEqualTo("e-1");
      assertThat(
              w.call("{\"type\":\"logout\",\"session_token\":\"" + token + "\",\"id\":\"l-1\"}")
                  .toString())
          .isEqualTo("{\"type\":\"logout_response\",\"status\":\"success\",\"id\":\"l-1\"}");
    }
  }

  @Test
  void pipelining_severalRequestsInOneWrite_answeredInOrder() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = s.wire()) {
      s.addUser("alice", PW);
      String token = w.call(Wire.auth("alice", PW)).path("session_token").asText();
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        batch
            .append(Wire.command(token, "echo", "n" + i).replace("}", ",\"id\":\"" + i + "\"}"))
            .append('\n');
      }
      w.write(batch.toString());
      List<String> outputs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        JsonNode r = w.readJson();
        assertThat(r.path("id").asText()).isEqualTo(String.valueOf(i));
        outputs.add(r.path("output").asText());
      }
      assertThat(outputs).containsExactly("n0\n", "n1\n", "n2\n", "n3\n", "n4\n");
    }
  }

  @Test
  void ping_withoutAuthentication_pong() throws Exception {
    try (TestServer s = TestServer.start(dir);
        RcxClient c = s.client()) {
      assertThat(c.ping()).isEqualTo(new Response.Pong(null));
      assertThat(s.auditEvents("auth_succeeded")).isEmpty();
    }
  }

  @Test
  void blankLines_ignoredAsKeepAlives() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = s.wire()) {
      w.write("\n\r\n\n");
      assertThat(w.call("{\"type\":\"ping\",\"id\":\"k\"}").path("id").asText()).isEqualTo("k");
    }
  }

  @AfterAll
  static void everyCodeProduced() {
    // Only meaningful when the whole class ran; a filtered run (-Dtest=..#one) sees a subset.
    if (SEEN.size() >= ErrorCode.values().length - 2) {
      assertThat(SEEN).containsExactlyInAnyOrder(ErrorCode.values());
    }
  }

  static ErrorCode code(Response r) {
    assertThat(r).isInstanceOf(Response.Error.class);
    ErrorCode c = ((Response.Error) r).code();
    SEEN.add(c);
    return c;
  }

  /**
   * A connection that has used a valid token: only such a connection may make more than a few
   * protocol errors (before login, 4 close it).
   */
  private static Wire loggedIn(TestServer s) throws Exception {
    s.addUser("logged", PW);
    String token = s.token("logged", PW);
    Wire w = s.wire();
    w.call(Wire.command(token, "echo in"));
    return w;
  }
}
