package dev.rcx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.auth.UserStore;
import dev.rcx.cli.Main;
import dev.rcx.config.ServerConfig;
import dev.rcx.server.RcxServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rcx bench} through the command line: usage errors are clear, and a remote run works end to
 * end.
 */
@Timeout(60)
class BenchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int rcx(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void badClients_usageExitWithMessage() {
    assertThat(rcx("bench", "--clients", "1,x")).isEqualTo(254);
    assertThat(err.toString())
        .startsWith("Error: --clients: expected a comma-separated list")
        .contains("'1,x'");
  }

  @Test
  void help_rendersEveryOptionWithoutAFormatWarning() {
    assertThat(rcx("bench", "--help")).isEqualTo(0);
    assertThat(out.toString())
        .contains("--server-warmup=TIME")
        .contains("under 5% of their CPU")
        .contains("--server-pid=PID[,PID]");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void badDuration_usageExitWithMessage() {
    assertThat(rcx("bench", "--duration", "10")).isEqualTo(254);
    assertThat(err.toString()).startsWith("Error: --duration: expected a duration such as 500ms");
  }

  @Test
  void badWorkloadOrRate_usageExit() {
    assertThat(rcx("bench", "--workload", "ssh")).isEqualTo(254);
    assertThat(rcx("bench", "--rate", "lots")).isEqualTo(254);
    assertThat(err.toString())
        .contains("--workload: expected session, reconnect or login")
        .contains("--rate:");
  }

  @Test
  void unterminatedQuoteInCommand_usageExit() {
    assertThat(rcx("bench", "--command", "echo 'hi")).isEqualTo(254);
    assertThat(err.toString()).startsWith("Error: --command: unterminated ' quote");
  }

  @Test
  void remoteOnlyOptionWithoutHost_usageExit() {
    assertThat(rcx("bench", "--fingerprint", "ab", "--insecure")).isEqualTo(254);
    assertThat(err.toString()).contains("--fingerprint, --insecure: only with --host/--port");
  }

  @Test
  void remote_nothingListening_connectionFailedExit() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    int code =
        withStdin(
            "pw\n",
            () ->
                rcx(
                    "bench",
                    "--port",
                    "" + port,
                    "--insecure",
                    "--password-stdin",
                    "--no-progress"));

    assertThat(code).isEqualTo(255);
    assertThat(err.toString()).contains("Error: cannot reach 127.0.0.1 (tls)");
  }

  @Test
  void remote_runningServer_writesResults() throws Exception {
    try (RcxServer server = serverWithAlice()) {
      Path results = dir.resolve("out");
      int code =
          withStdin(
              "pw\n",
              () ->
                  rcx(
                      "bench",
                      "--host",
                      "127.0.0.1",
                      "--port",
                      "" + server.port(),
                      "--fingerprint",
                      server.fingerprint(),
                      "-u",
                      "alice",
                      "--password-stdin",
                      "--workload",
                      "session",
                      "--clients",
                      "1",
                      "--duration",
                      "300ms",
                      "--warmup",
                      "0s",
                      "--no-floor",
                      "--no-progress",
                      "--out",
                      results.toString()));

      assertThat(code).as(err.toString()).isEqualTo(0);
      assertThat(out.toString())
          .containsPattern("session +tls")
          .contains("Results written to " + results);
      assertThat(Files.readString(results.resolve("results.json")))
          .contains("\"mode\" : \"running server at 127.0.0.1:" + server.port() + "\"")
          .contains("\"command_line\" : \"rcx bench --host 127.0.0.1 --port " + server.port());
    }
  }

  @Test
  void remote_serverPid_reportsTheServersCpuAndItsCommandsCpu() throws Exception {
    // The server runs in this JVM, so this JVM's pid is the server's, and the commands it spawns
    // are this JVM's children.
    try (RcxServer server = serverWithAlice()) {
      Path results = dir.resolve("out");
      int code =
          withStdin(
              "pw\n",
              () ->
                  rcx(
                      "bench",
                      "--host",
                      "127.0.0.1",
                      "--port",
                      "" + server.port(),
                      "--fingerprint",
                      server.fingerprint(),
                      "--server-pid",
                      Long.toString(ProcessHandle.current().pid()),
                      "-u",
                      "alice",
                      "--password-stdin",
                      "--workload",
                      "session",
                      "--clients",
                      "2",
                      "--duration",
                      "1s",
                      "--warmup",
                      "0s",
                      "--no-floor",
                      "--no-progress",
                      "--out",
                      results.toString()));

      assertThat(code).as(err.toString()).isEqualTo(0);
      JsonNode point =
          new ObjectMapper()
              .readTree(results.resolve("results.json").toFile())
              .get("points")
              .get(0);
      assertThat(point.get("commands").asLong()).isPositive();
      assertThat(point.get("server_cpu_us_per_command").asDouble()).isPositive();
      assertThat(point.get("command_cpu_us_per_command").asDouble()).isPositive();
      assertThat(point.get("server_jit_us_per_command").isNull()).isFalse();
      assertThat(point.get("server_rss_mib").asDouble()).isPositive();
    }
  }

  @Test
  void serverPid_badOrAbsentOrTooMany_usageExitNamingTheOption() {
    for (String[] args :
        List.of(
            new String[] {"bench", "--host", "127.0.0.1", "--server-pid", "abc"},
            new String[] {"bench", "--host", "127.0.0.1", "--server-pid", "0"},
            new String[] {"bench", "--host", "127.0.0.1", "--server-pid", "1,2"},
            new String[] {"bench", "--host", "127.0.0.1", "--server-pid", "999999999"},
            new String[] {"bench", "--server-pid", "1"})) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      assertThat(withStdin("pw\n", () -> rcx(args))).as(String.join(" ", args)).isEqualTo(254);
      assertThat(err.toString()).as(String.join(" ", args)).contains("--server-pid");
    }
  }

  @Test
  void remote_wrongPassword_authFailedExit() throws Exception {
    try (RcxServer server = serverWithAlice()) {
      int code =
          withStdin(
              "wrong\n",
              () ->
                  rcx(
                      "bench",
                      "--port",
                      "" + server.port(),
                      "--fingerprint",
                      server.fingerprint(),
                      "-u",
                      "alice",
                      "--password-stdin",
                      "--no-progress"));

      assertThat(code).isEqualTo(252);
      assertThat(err.toString()).contains("Error: login at 127.0.0.1 (tls) failed");
    }
  }

  /** A TLS server in this JVM whose users file has alice with password "pw". */
  private RcxServer serverWithAlice() throws Exception {
    Path data = Files.createDirectories(dir.resolve("server"));
    UserStore.open(data.resolve(UserStore.DEFAULT_FILE_NAME))
        .add("alice", "pw".toCharArray(), Set.of("ops"));
    return RcxServer.builder(ServerConfig.defaults().withPort(0), data)
        .shutdownGrace(Duration.ofSeconds(1))
        .start();
  }

  private static int withStdin(String text, java.util.function.IntSupplier body) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    try {
      return body.getAsInt();
    } finally {
      System.setIn(saved);
    }
  }
}
