package dev.rcx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code rcx bench} runs its servers: by default each is its own {@code rcx server} process
 * whose CPU and memory are reported apart from the load generator's; {@code --in-process} keeps the
 * old mode. Short real runs (reconnect workload, one client, half a second).
 */
@Timeout(240)
class BenchServerModesTest {
  private static final Pattern PIDS = Pattern.compile("TLS pid (\\d+), plaintext pid (\\d+)");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private JsonNode bench(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "--workload",
                "reconnect",
                "--clients",
                "1",
                "--duration",
                "500ms",
                "--no-floor",
                "--no-progress",
                "--out",
                dir.toString()));
    if (!List.of(extra).contains("--warmup")) {
      args.addAll(List.of("--warmup", "0s"));
    }
    args.addAll(List.of(extra));
    int code =
        Main.run(
            args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isEqualTo(0);
    return new ObjectMapper().readTree(dir.resolve("results.json").toFile());
  }

  private static JsonNode point(JsonNode results, String transport) {
    for (JsonNode p : results.get("points")) {
      if (p.get("transport").asText().equals(transport)) {
        return p;
      }
    }
    throw new AssertionError("no " + transport + " point in " + results.get("points"));
  }

  @Test
  void bench_default_serversAreOwnProcessesWithTheirCpuAndRssAndReconnectsResume()
      throws Exception {
    JsonNode results = bench();

    String mode = results.get("meta").get("mode").asText();
    Matcher m = PIDS.matcher(mode);
    assertThat(m.find()).as(mode).isTrue();
    long self = ProcessHandle.current().pid();
    for (String pid : List.of(m.group(1), m.group(2))) {
      assertThat(Long.parseLong(pid)).isNotEqualTo(self);
      assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive))
          .as("server process %s stopped after the run", pid)
          .isNotEqualTo(java.util.Optional.of(true));
    }
    for (String transport : List.of("tls", "plaintext")) {
      JsonNode p = point(results, transport);
      assertThat(p.get("commands").asLong()).as(transport).isPositive();
      assertThat(p.get("server_rss_mib").asDouble()).as(transport).isPositive();
      assertThat(p.get("server_cpu_us_per_command").asDouble()).as(transport).isPositive();
      assertThat(p.get("client_cpu_us_per_command").isNull()).as(transport).isFalse();
      // Each reconnect ran `echo hi` in a child of the server process.
      assertThat(p.get("command_cpu_us_per_command").asDouble()).as(transport).isPositive();
      assertThat(p.get("server_jit_us_per_command").asDouble()).as(transport).isNotNegative();
    }
    assertThat(point(results, "tls").get("resumed_fraction").asDouble()).isEqualTo(1.0);
    assertThat(point(results, "plaintext").get("resumed_fraction").isNull()).isTrue();
  }

  @Test
  void bench_serverWarmup_runsRoundsBeforeThePointsAndSaysHowItEnded() throws Exception {
    JsonNode results =
        bench("--warmup", "100ms", "--server-warmup", "2s", "--server-java-opts", "-Xmx300m");

    String mode = results.get("meta").get("mode").asText();
    assertThat(mode).contains("(JVM flags: -Xmx300m)");
    assertThat(mode)
        .containsPattern("servers warmed up for \\d+ s \\(1 round\\)")
        .containsPattern("tls \\d+\\.\\d%, plaintext \\d+\\.\\d%");
    assertThat(err.toString()).contains("rcx bench: servers warmed up for");
    assertThat(point(results, "tls").get("commands").asLong()).isPositive();
  }

  @Test
  void bench_zeroServerWarmup_noWarmupRounds() throws Exception {
    JsonNode results = bench("--warmup", "100ms", "--server-warmup", "0s");

    assertThat(results.get("meta").get("mode").asText()).doesNotContain("warmed up");
    assertThat(err.toString()).doesNotContain("warmed up");
  }

  @Test
  void bench_inProcessWithFullHandshakes_sharesThisJvmAndNeverResumesTlsFull() throws Exception {
    JsonNode results = bench("--in-process", "--full-handshakes");

    assertThat(results.get("meta").get("mode").asText()).contains("sharing this JVM");
    JsonNode tls = point(results, "tls");
    JsonNode full = point(results, "tls-full");
    assertThat(tls.get("server_rss_mib").isNull()).isTrue();
    assertThat(tls.get("resumed_fraction").asDouble()).isEqualTo(1.0);
    assertThat(full.get("commands").asLong()).isPositive();
    assertThat(full.get("resumed_fraction").asDouble()).isEqualTo(0.0);
  }
}
