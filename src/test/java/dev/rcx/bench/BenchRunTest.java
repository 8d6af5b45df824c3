package dev.rcx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tiny real runs against in-process servers: sane figures and complete output files. Not timed. */
@Timeout(120)
class BenchRunTest {
  private static SelfHosted servers;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir Path out;

  @BeforeAll
  static void start() throws Exception {
    servers = SelfHosted.start(4);
  }

  @AfterAll
  static void stop() throws Exception {
    servers.close();
  }

  private static BenchSettings settings(
      Workload w, List<Integer> clients, Duration duration, String command, boolean floor) {
    return new BenchSettings(
        List.of(w), Map.of(w, clients), Duration.ZERO, duration, command, null, floor, false);
  }

  private BenchResults run(BenchSettings s) throws InterruptedException {
    Targets targets =
        new Targets(
            List.of(servers.tlsTarget(s.command()), servers.plaintextTarget(s.command())),
            true,
            "in-process (test)");
    return Bench.run(
        s, targets, "rcx bench (test)", new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void sessionRun_twoClients_saneFiguresAndFiles() throws Exception {
    BenchResults results =
        run(settings(Workload.SESSION, List.of(2), Duration.ofSeconds(1), "echo hi", true));

    assertThat(results.points())
        .extracting(PointResult::transport)
        .containsExactly("spawn", "tls", "plaintext");
    for (PointResult p : results.points()) {
      assertThat(p.errors())
          .as("errors of %s %s: %s", p.workload(), p.transport(), p.errorExamples())
          .isZero();
      assertThat(p.throughput()).isPositive();
      assertThat(p.latency().p50()).isPositive().isLessThanOrEqualTo(p.latency().p99());
      assertThat(p.latency().p99()).isLessThanOrEqualTo(p.latency().max());
    }
    PointResult tls = results.points().get(1);
    assertThat(tls.floor()).isEqualTo(results.points().get(0).throughput());
    assertThat(tls.efficiency()).isPositive();
    assertThat(tls.tlsHandshake().count()).isEqualTo(2); // one per client, before the window
    assertThat(tls.auth().count()).isEqualTo(2);
    assertThat(tls.serverCpuUsPerCommand()).isPositive();
    assertThat(results.points().get(2).tlsHandshake()).isNull();
    assertThat(results.points().get(0).serverCpuUsPerCommand()).isNull();
    assertThat(results.tlsOverhead())
        .singleElement()
        .satisfies(o -> assertThat(o.ratio()).isPositive());

    List<Path> files = Bench.write(results, out);

    assertThat(files)
        .extracting(f -> f.getFileName().toString())
        .contains(
            "results.json",
            "results.csv",
            "report.md",
            "throughput.png",
            "latency-session.png",
            "tls-vs-plaintext.png");
    JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(json.at("/points/1/throughput").asDouble()).isEqualTo(tls.throughput());
    assertThat(json.at("/points/1/latency/p99").asDouble()).isEqualTo(tls.latency().p99());
    assertThat(json.at("/meta/machine/cpus").asInt()).isPositive();
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv).hasSize(4);
    assertThat(csv.get(0)).isEqualTo(ReportFiles.CSV_HEADER);
    assertThat(csv.get(2)).startsWith("session,tls,2,,1,");
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report)
        .contains("| session | tls | 2 |", "![throughput](throughput.png)", "## Method");
    for (String png : List.of("throughput.png", "latency-session.png", "tls-vs-plaintext.png")) {
      byte[] head = Files.readAllBytes(out.resolve(png));
      assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).as(png).isEqualTo("PNG");
    }
    assertThat(Bench.table(results)).contains("TLS overhead").containsPattern("session +tls +2 ");
  }

  @Test
  void reconnectAndLogin_oneClient_recordHandshakesAndLogins() throws Exception {
    for (Workload w : List.of(Workload.RECONNECT, Workload.LOGIN)) {
      BenchResults results = run(settings(w, List.of(1), Duration.ofMillis(700), "echo hi", false));

      PointResult tls = results.points().get(0);
      assertThat(tls.errors()).as("%s errors: %s", w, tls.errorExamples()).isZero();
      assertThat(tls.commands()).as(w.label()).isPositive();
      // reconnect: a handshake per command plus the one at setup; login: one per command
      assertThat(tls.tlsHandshake().count()).as(w.label()).isGreaterThanOrEqualTo(tls.commands());
      assertThat(tls.auth()).as(w.label()).isNotNull();
    }
  }

  @Test
  void deniedCommand_countedByErrorCode() throws Exception {
    BenchResults results =
        run(
            settings(
                Workload.SESSION, List.of(1), Duration.ofMillis(300), "cat /etc/shadow", false));

    for (PointResult p : results.points()) {
      assertThat(p.commands()).isZero();
      assertThat(p.latency()).isNull();
      assertThat(p.errorCodes()).containsOnlyKeys("COMMAND_NOT_ALLOWED");
      assertThat(p.errorExamples().get("COMMAND_NOT_ALLOWED")).contains("cat");
    }
    assertThat(results.tlsOverhead()).isEmpty();
  }
}
