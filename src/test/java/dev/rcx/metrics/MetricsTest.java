package dev.rcx.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rcx.client.RcxClient;
import dev.rcx.config.ConfigException;
import dev.rcx.config.ServerConfig;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus metrics of a real server (TLS on 127.0.0.1, real commands), scraped over HTTP: each
 * instrumented event moves its series, {@code /health} answers without writing an audit record,
 * metrics stay off unless configured and loopback unless allowed, and the exposition passes {@code
 * promtool check metrics} (CI installs promtool and fails if that test was skipped).
 */
class MetricsTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  private static TestServer withMetrics(Path dir) {
    return TestServer.start(
        dir, c -> c.withMetrics(new ServerConfig.Metrics("127.0.0.1:0", false)));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void scrape_afterTraffic_everySeriesMoves_healthWritesNoAudit() throws Exception {
    try (TestServer s = withMetrics(dir)) {
      s.addUser("alice", "pw");
      String base = base(s);
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        c.exec("echo hi");
        c.exec("nap"); // times out after 300 ms
        c.exec("no-such-command");
      }
      try (RcxClient c = s.client()) {
        c.login("alice", "wrong".toCharArray());
      }
      try (Socket plain = s.rawPlain()) {
        OutputStream out = plain.getOutputStream();
        out.write("this is not TLS\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        plain.getInputStream().read(new byte[64]);
      } catch (IOException e) {
        // The server drops it, as it should.
      }
      Poll.until(
          "connections closed",
          Duration.ofSeconds(20),
          () -> value(get(base + "/metrics").body(), "rcx_connections_open") == 0);

      String m = get(base + "/metrics").body();
      assertThat(value(m, "rcx_connections_total")).isGreaterThanOrEqualTo(3);
      assertThat(value(m, "rcx_tls_handshakes_total")).isGreaterThanOrEqualTo(3);
      assertThat(value(m, "rcx_tls_handshake_failures_total")).isGreaterThanOrEqualTo(1);
      assertThat(value(m, "rcx_logins_total{outcome=\"success\"}")).isEqualTo(1);
      assertThat(value(m, "rcx_logins_total{outcome=\"failure\"}")).isEqualTo(1);
      assertThat(value(m, "rcx_commands_total{entry=\"echo\",outcome=\"completed\"}")).isEqualTo(1);
      assertThat(value(m, "rcx_commands_total{entry=\"nap\",outcome=\"timed_out\"}")).isEqualTo(1);
      // A name the client made up never becomes a label.
      assertThat(value(m, "rcx_commands_total{entry=\"-\",outcome=\"denied\"}")).isEqualTo(1);
      assertThat(m).doesNotContain("no-such-command");
      assertThat(value(m, "rcx_command_duration_seconds_count{entry=\"echo\"}")).isEqualTo(1);
      assertThat(value(m, "rcx_command_duration_seconds_sum{entry=\"nap\"}")).isGreaterThan(0.2);
      assertThat(value(m, "rcx_audit_write_seconds_count")).isGreaterThan(5);
      assertThat(value(m, "rcx_sessions_live")).isEqualTo(1);

      // The user added while the server runs is audited by its housekeeping about a second later:
      // wait for that record, so the count below moves only if /health writes one.
      Poll.until(
          "user_changed audited",
          Duration.ofSeconds(20),
          () -> !s.auditEvents("user_changed").isEmpty());
      int auditLines = s.auditLines().size();
      HttpResponse<String> health = get(base + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
      assertThat(get(base + "/-/healthy").statusCode()).isEqualTo(200);
      assertThat(get(base + "/nothing").statusCode()).isEqualTo(404);
      get(base + "/metrics");
      assertThat(s.auditLines()).hasSize(auditLines);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void promtool_checkMetrics_passesOnARealScrape() throws Exception {
    Path promtool = promtool();
    assumeTrue(
        promtool != null,
        "promtool not installed (Debian package 'prometheus'); .ci/run installs it and fails if"
            + " this test was skipped");
    try (TestServer s = withMetrics(dir)) {
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        c.exec("echo hi");
        c.exec("nope");
      }
      s.server().reload("test");
      String exposition = get(base(s) + "/metrics").body();
      Process p =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(exposition.getBytes(StandardCharsets.UTF_8));
      }
      String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue())
          .as("promtool check metrics:\n" + report + "\n" + exposition)
          .isZero();
      assertThat(report).as(report).isBlank();
      assertThat(exposition).contains("rcx_policy_reloads_total{result=\"reloaded\"} 1");
    }
  }

  @Test
  void metrics_offByDefault() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      assertThat(s.server().metricsAddress()).isEmpty();
    }
  }

  @Test
  void metrics_nonLoopbackWithoutAllowRemote_refusedAtStart() {
    assertThatThrownBy(
            () ->
                TestServer.start(
                    dir, c -> c.withMetrics(new ServerConfig.Metrics("0.0.0.0:0", false))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("metrics.listen: 0.0.0.0:0 is not a loopback address")
        .hasMessageContaining("metrics.allow_remote: true");
  }

  private static Path promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":", -1)) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static String base(TestServer s) {
    InetSocketAddress a = s.server().metricsAddress().orElseThrow();
    return "http://127.0.0.1:" + a.getPort();
  }

  private static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The value of the series written exactly as {@code series} (name plus labels), or 0. */
  private static double value(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
