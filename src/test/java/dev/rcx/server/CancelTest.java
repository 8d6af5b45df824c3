package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code cancel} request stops the running command at once: its whole process tree is killed, the
 * cancel and the command's {@code cancelled} outcome are audited, and the session and connection
 * keep working.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CancelTest {
  private static final String PW = "pw-cancel";

  @TempDir static Path dir;
  private static TestServer server;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir);
    server.addUser("alice", PW);
    token = server.token("alice", PW);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void forgetPids() throws IOException {
    Files.deleteIfExists(server.commands().pidFile("pidsleep"));
    Files.deleteIfExists(server.commands().pidFile("tree"));
  }

  static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void cancel_fromAnotherThread_killsTreeAnswersCancelled_sessionGoesOn() throws Exception {
    Path pids = server.commands().pidFile("tree");
    try (RcxClient c = server.client()) {
      c.useToken(token);
      long start = System.nanoTime();
      CompletableFuture<Response> running =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return c.exec("tree", List.of(), (stderr, bytes) -> {});
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      Poll.until("tree of 7 started", Duration.ofSeconds(15), () -> lines(pids).size() == 7);
      List<Long> tree = lines(pids).stream().map(Long::parseLong).toList();
      c.cancel();
      Response r = running.get(15, TimeUnit.SECONDS);
      assertThat(r).isInstanceOf(Response.CommandOutput.class);
      Response.CommandOutput o = (Response.CommandOutput) r;
      assertThat(o.status()).isEqualTo(Response.CommandOutput.Status.CANCELLED);
      assertThat(o.exitCode()).isNull();
      assertThat(o.timedOut()).isFalse();
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
          .as("cancelled, not left to its 60 s")
          .isLessThan(30);
      Poll.until(
          "every process of the tree killed",
          Duration.ofSeconds(10),
          () -> tree.stream().noneMatch(Poll::alive));
      // Same connection, same session: the cancel_response is skipped, the next command runs.
      assertThat(((Response.CommandOutput) c.exec("echo still here")).output())
          .isEqualTo("still here\n");
      assertThat(c.ping()).isInstanceOf(Response.Pong.class);
    }
    JsonNode requested = server.awaitAudit("cancel_requested", e -> e.path("running").asBoolean());
    JsonNode ran =
        server.awaitAudit(
            "command_run",
            e ->
                e.path("command").asText().equals("tree")
                    && e.path("outcome").asText().equals("cancelled"));
    assertThat(requested.path("user").asText()).isEqualTo("alice");
    assertThat(requested.path("seq").asLong())
        .as("the cancel is recorded before its effect")
        .isLessThan(ran.path("seq").asLong());
    server.assertStillServes();
  }

  @Test
  void cancel_pipelinedBehindCommand_cancelsItThenAnswers() throws Exception {
    try (Wire w = server.wire()) {
      w.send(Wire.command(token, "pidsleep").replaceFirst("\\}$", ",\"id\":\"c1\"}"));
      w.send("{\"type\":\"cancel\",\"id\":\"k1\"}");
      JsonNode output = w.readJson();
      assertThat(output.path("type").asText()).isEqualTo("command_output");
      assertThat(output.path("status").asText()).isEqualTo("cancelled");
      assertThat(output.path("id").asText()).isEqualTo("c1");
      assertThat(output.path("exit_code").isNull()).isTrue();
      JsonNode answer = w.readJson();
      assertThat(answer.path("type").asText()).isEqualTo("cancel_response");
      assertThat(answer.path("status").asText()).isEqualTo("success");
      assertThat(answer.path("id").asText()).isEqualTo("k1");
      assertThat(w.call("{\"type\":\"ping\"}").path("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void cancel_nothingRunning_answeredHarmlessAndNotAudited() throws Exception {
    int before = server.auditEvents("cancel_requested").size();
    try (Wire w = server.wire()) {
      JsonNode answer = w.call("{\"type\":\"cancel\"}");
      assertThat(answer.path("type").asText()).isEqualTo("cancel_response");
      JsonNode later = w.call(Wire.command(token, "echo after"));
      assertThat(later.path("output").asText()).isEqualTo("after\n");
    }
    assertThat(server.auditEvents("cancel_requested")).hasSize(before);
  }

  @Test
  void cancel_unknownField_invalidRequestNotCancel() throws Exception {
    try (Wire w = server.wire()) {
      JsonNode r = w.call("{\"type\":\"cancel\",\"all\":true}");
      assertThat(r.path("code").asText()).isEqualTo("INVALID_REQUEST");
    }
  }
}
