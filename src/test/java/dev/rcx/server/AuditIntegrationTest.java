package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.VerifyResult;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log as the server writes it: before the reply, without secrets, and with an intact
 * chain under load.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AuditIntegrationTest {
  private static final String PW = "Tr0ub4dor&3-unique";

  @TempDir Path dir;

  @Test
  void commandRun_recordWrittenBeforeReplyArrives() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      try (RcxClient c = s.loggedIn("alice", PW)) {
        String[] commands = {"echo one", "exit 4", "nap", "both", "flood"};
        for (int i = 0; i < commands.length; i++) {
          Response r = c.exec(commands[i]);
          assertThat(r).isInstanceOf(Response.CommandOutput.class);
          // Read immediately, no waiting: the record must already be there.
          List<JsonNode> runs = s.auditEvents("command_run");
          assertThat(runs).as("records after reply %d", i + 1).hasSize(i + 1);
          assertThat(runs.getLast().path("command").asText())
              .isEqualTo(commands[i].split(" ", -1)[0]);
        }
        Response denied = c.exec("rm -rf /");
        assertThat(denied).isInstanceOf(Response.Error.class);
        assertThat(s.auditEvents("command_denied")).hasSize(1);
      }
      List<JsonNode> runs = s.auditEvents("command_run");
      assertThat(runs)
          .extracting(e -> e.path("outcome").asText())
          .containsExactly("completed", "completed", "timed_out", "completed", "completed");
      assertThat(runs.get(1).path("exit_code").asInt()).isEqualTo(4);
      assertThat(runs.get(4).path("truncated").asBoolean()).isTrue();
      assertThat(runs.get(0).path("argv")).hasSize(2);
      assertThat(runs.get(0).path("argv").get(1).asText()).isEqualTo("one");
    }
  }

  @Test
  void authAndLogout_recordedBeforeReply() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      try (RcxClient c = s.client()) {
        assertThat(c.login("alice", "bad".toCharArray()))
            .isInstanceOf(Response.AuthResponse.Failure.class);
        assertThat(s.auditEvents("auth_failed")).hasSize(1);
        assertThat(c.login("alice", PW.toCharArray()))
            .isInstanceOf(Response.AuthResponse.Success.class);
        assertThat(s.auditEvents("auth_succeeded")).hasSize(1);
        c.logout();
        assertThat(s.auditEvents("logged_out")).hasSize(1);
      }
    }
  }

  @Test
  void records_neverContainTokenPasswordOrHashes() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token;
      try (RcxClient c = s.client()) {
        c.login("alice", "wrong-guess-password".toCharArray());
        c.login("alice", PW.toCharArray());
        token = c.token();
        c.exec("echo hi");
        c.exec("rm x");
        try (Wire w = s.wire()) {
          // A token and a password inside a malformed request must not reach the log through error
          // details.
          w.call("{\"type\":\"command\",\"session_token\":\"" + token + "\",\"command\":\"echo\",");
          w.call(
              "{\"type\":\"auth\",\"username\":\"alice\",\"password_hash\":\""
                  + PW
                  + "\",\"x\":1}");
          w.call(Wire.command(token, "echo ok") + "junk");
        }
        c.logout();
      }
      try (RcxClient c = s.client()) {
        c.useToken(token);
        c.exec("echo after logout");
      }
      String audit = Files.readString(s.auditFile());
      String sha = RcxClient.sha256Hex(PW.toCharArray());
      JsonNode users = new ObjectMapper().readTree(s.dataDir().resolve("users.json").toFile());
      List<String> storedHashes = new ArrayList<>();
      users.findValues("hash").forEach(h -> storedHashes.add(h.asText()));
      users.findValues("password_hash").forEach(h -> storedHashes.add(h.asText()));
      assertThat(audit)
          .contains("auth_succeeded")
          .contains("protocol_error")
          .contains("token_rejected");
      assertThat(audit).doesNotContain(token);
      assertThat(audit).doesNotContain(token.substring(0, 16));
      assertThat(audit).doesNotContain(PW);
      assertThat(audit).doesNotContain("wrong-guess-password");
      assertThat(audit).doesNotContainIgnoringCase(sha);
      assertThat(audit)
          .doesNotContainIgnoringCase(RcxClient.sha256Hex("wrong-guess-password".toCharArray()));
      assertThat(storedHashes).hasSize(1);
      for (String h : storedHashes) {
        assertThat(audit).doesNotContain(h);
        for (String part : h.split("\\$", -1)) { // salt and hash, each on its own
          if (part.length() >= 16) {
            assertThat(audit).doesNotContain(part);
          }
        }
      }
      assertThat(Files.readString(s.dataDir().resolve("users.json")))
          .doesNotContain(PW)
          .doesNotContain(sha);
    }
  }

  @Test
  void chain_intactAfterBusyConcurrentUse() throws Exception {
    Path auditFile;
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      String token = s.token("alice", PW);
      int clients = 6;
      int perClient = 15;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<Integer>> done = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          int n = i;
          done.add(
              pool.submit(
                  () -> {
                    int ok = 0;
                    try (RcxClient c = s.client()) {
                      c.useToken(token);
                      for (int j = 0; j < perClient; j++) {
                        Response r =
                            j % 5 == 4 ? c.exec("rm nope") : c.exec("echo", List.of(n + "-" + j));
                        ok += r instanceof Response.CommandOutput ? 1 : 0;
                      }
                    }
                    return ok;
                  }));
        }
        int ok = 0;
        for (Future<Integer> f : done) {
          ok += f.get(60, TimeUnit.SECONDS);
        }
        assertThat(ok).isEqualTo(clients * perClient * 4 / 5);
      } finally {
        pool.shutdownNow();
      }
      assertThat(AuditLog.verify(s.auditFile())).isInstanceOf(VerifyResult.Intact.class);
      auditFile = s.auditFile();
    }
    VerifyResult after = AuditLog.verify(auditFile);
    assertThat(after).isInstanceOf(VerifyResult.Intact.class);
    List<String> lines = Files.readAllLines(auditFile);
    assertThat(((VerifyResult.Intact) after).records()).isEqualTo(lines.size());
    assertThat(lines.get(lines.size() - 2)).contains("\"event\":\"server_stopped\"");
    assertThat(lines.getLast()).contains("\"event\":\"seal\"").contains("\"reason\":\"close\"");
    assertThat(lines.stream().filter(l -> l.contains("\"event\":\"command_run\"")).count())
        .isEqualTo(72);
  }

  @Test
  void restart_continuesChainAndEndsSessions() throws Exception {
    String token;
    try (TestServer s = TestServer.start(dir)) {
      s.addUser("alice", PW);
      token = s.token("alice", PW);
    }
    try (TestServer again = TestServer.start(dir);
        RcxClient c = again.client()) {
      c.useToken(token);
      Response r = c.exec("echo hi");
      assertThat(r).isInstanceOf(Response.Error.class);
      assertThat(((Response.Error) r).code()).isEqualTo(dev.rcx.protocol.ErrorCode.INVALID_TOKEN);
      assertThat(AuditLog.verify(again.auditFile())).isInstanceOf(VerifyResult.Intact.class);
      assertThat(again.auditEvents("server_started")).hasSize(2);
    }
  }
}
