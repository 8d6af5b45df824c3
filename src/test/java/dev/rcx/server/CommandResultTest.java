package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command's reply says unambiguously what happened: success, exit code, timeout, truncation;
 * streams separate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandResultTest {
  private static final String PW = "pw-results";

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

  private static JsonNode run(String command, String... args) throws Exception {
    try (Wire w = server.wire()) {
      JsonNode r = w.call(Wire.command(token, command, args));
      assertThat(r.path("type").asText()).as("reply %s", r).isEqualTo("command_output");
      return r;
    }
  }

  @Test
  void exitZero_successWithOutput() throws Exception {
    JsonNode r = run("echo hello world");
    assertThat(r.path("status").asText()).isEqualTo("success");
    assertThat(r.path("exit_code").asInt()).isZero();
    assertThat(r.path("output").asText()).isEqualTo("hello world\n");
    assertThat(r.path("stderr").asText()).isEmpty();
    assertThat(r.path("timed_out").asBoolean()).isFalse();
    assertThat(r.path("truncated").asBoolean()).isFalse();
    assertThat(r.path("duration_ms").isIntegralNumber()).isTrue();
  }

  @Test
  void exitThree_failureWithExitCodeThree() throws Exception {
    JsonNode r = run("exit 3");
    assertThat(r.path("status").asText()).isEqualTo("failure");
    assertThat(r.path("exit_code").asInt()).isEqualTo(3);
    assertThat(r.path("timed_out").asBoolean()).isFalse();
  }

  @Test
  void timeout_timedOutWithNullExitCode() throws Exception {
    long start = System.nanoTime();
    JsonNode r = run("nap");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("killed at 300 ms, not after 10 s")
        .isLessThan(5_000);
    assertThat(r.path("status").asText()).isEqualTo("timed_out");
    assertThat(r.path("timed_out").asBoolean()).isTrue();
    assertThat(r.has("exit_code")).isTrue();
    assertThat(r.path("exit_code").isNull()).isTrue();
    JsonNode audit =
        server.awaitAudit("command_run", e -> e.path("command").asText().equals("nap"));
    assertThat(audit.path("outcome").asText()).isEqualTo("timed_out");
  }

  @Test
  void bigOutput_truncatedAtCap() throws Exception {
    JsonNode r = run("flood");
    assertThat(r.path("status").asText()).isEqualTo("success");
    assertThat(r.path("truncated").asBoolean()).isTrue();
    assertThat(r.path("output").asText()).hasSize(1024).matches("x+");
  }

  @Test
  void stderr_keptSeparateFromStdout() throws Exception {
    JsonNode r = run("both");
    assertThat(r.path("output").asText()).isEqualTo("out\n");
    assertThat(r.path("stderr").asText()).isEqualTo("err\n");
  }

  @Test
  void args_appendedLiterallyAsSingleWords() throws Exception {
    JsonNode r = run("args", "a b; id", "$(id)", "`id`", "*", "'q'");
    assertThat(r.path("output").asText()).isEqualTo("[a b; id]\n[$(id)]\n[`id`]\n[*]\n['q']\n");
    JsonNode echo = run("echo", "a b; id");
    assertThat(echo.path("output").asText()).isEqualTo("a b; id\n");
  }

  @Test
  void commandLine_quotesGroupWordsWithoutShell() throws Exception {
    JsonNode r = run("args 'one two' \"three;four\" five\\ six");
    assertThat(r.path("output").asText()).isEqualTo("[one two]\n[three;four]\n[five six]\n");
  }

  @Test
  void commandLineAndArgs_combinedInOrder() throws Exception {
    JsonNode r = run("args first", "second word");
    assertThat(r.path("output").asText()).isEqualTo("[first]\n[second word]\n");
  }

  @Test
  void typedClient_seesSameOutcomes() throws Exception {
    try (RcxClient c = server.client()) {
      c.useToken(token);
      Response.CommandOutput fail = (Response.CommandOutput) c.exec("exit", List.of("7"));
      assertThat(fail.status()).isEqualTo(Response.CommandOutput.Status.FAILURE);
      assertThat(fail.exitCode()).isEqualTo(7);
      Response.CommandOutput timeout = (Response.CommandOutput) c.exec("nap");
      assertThat(timeout.timedOut()).isTrue();
      assertThat(timeout.exitCode()).isNull();
    }
  }
}
