package dev.rcx.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.client.RcxClient;
import dev.rcx.config.ConfigException;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server with forwarding on: never held up by the collector, and honest about the backlog. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogServerTest {
  @TempDir Path dir;

  @Test
  void collectorDown_commandsRun_backlogInMetrics_thenDeliveredWhenItComes() throws Exception {
    try (FakeCollector collector = new FakeCollector(null).start()) {
      String address = collector.address();
      collector.stop();
      ServerConfig.Syslog syslog =
          ServerConfig.Syslog.plaintext(address).withMaxBackoff(Duration.ofMillis(200));
      try (TestServer s =
          TestServer.start(
              dir,
              c ->
                  c.withAudit(c.audit().withSyslog(syslog))
                      .withMetrics(new ServerConfig.Metrics("127.0.0.1:0", false)))) {
        s.addUser("alice", "pw-alice-1");
        try (RcxClient c = s.loggedIn("alice", "pw-alice-1")) {
          for (int i = 0; i < 3; i++) {
            Response r = c.exec("echo " + i);
            assertThat(r).isInstanceOf(Response.CommandOutput.class);
          }
        }
        String metrics = "http://127.0.0.1:" + s.server().metricsAddress().orElseThrow().getPort();
        int written = s.auditLines().size();
        assertThat(written).isGreaterThan(8);
        assertThat(backlog(metrics)).isGreaterThanOrEqualTo(written);

        collector.start();
        Poll.until(
            "every record at the collector",
            Duration.ofSeconds(20),
            () -> collector.records().equals(s.auditLines()));
        Poll.until("backlog 0", Duration.ofSeconds(20), () -> backlog(metrics) == 0);
        Poll.until(
            "the cursor file",
            Duration.ofSeconds(20),
            () -> Files.exists(s.dataDir().resolve(Cursor.FILE)));
      }
    }
  }

  @Test
  void rotatedLog_backlogAcrossClosedFiles_everyRecordOnceInOrder() throws Exception {
    try (FakeCollector collector = new FakeCollector(null).start()) {
      ServerConfig.Syslog syslog =
          ServerConfig.Syslog.plaintext(collector.address()).withMaxBackoff(Duration.ofMillis(200));
      try (TestServer s =
          TestServer.start(
              dir, c -> c.withAudit(c.audit().withSyslog(syslog).withMaxFileBytes(4096)))) {
        s.addUser("alice", "pw-alice-1");
        try (RcxClient c = s.loggedIn("alice", "pw-alice-1")) {
          assertThat(c.exec("echo before")).isInstanceOf(Response.CommandOutput.class);
          // Stopped only once the forwarder has committed what the collector has: records in
          // flight when a collector goes away can be lost to it (syslog over TCP has no
          // acknowledgement; see SyslogForwarder), and this test is about the backlog.
          SyslogForwarder f = s.server().syslog().orElseThrow();
          Poll.until(
              "the records so far at the collector, committed",
              Duration.ofSeconds(30),
              () -> collector.records().equals(s.auditLines()) && f.backlog() == 0);
          // The collector goes away while the log rotates several times: the backlog is in
          // closed files when it comes back.
          collector.stop();
          for (int i = 0; i < 12; i++) {
            assertThat(c.exec("echo " + i)).isInstanceOf(Response.CommandOutput.class);
          }
          s.server().rotateAudit();
          assertThat(c.exec("echo after")).isInstanceOf(Response.CommandOutput.class);
        }
        assertThat(dev.rcx.audit.AuditFiles.inDataDir(s.dataDir())).hasSizeGreaterThan(3);
        collector.start();
        Poll.until(
            "every record at the collector, in order, across the files",
            Duration.ofSeconds(30),
            () -> collector.records().equals(s.auditLines()));
      }
    }
  }

  @Test
  void plaintextToANonLoopbackCollector_serverRefusesToStart() {
    assertThatThrownBy(
            () ->
                TestServer.start(
                    dir,
                    c ->
                        c.withAudit(
                            c.audit().withSyslog(ServerConfig.Syslog.plaintext("192.0.2.7:514")))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("audit.syslog.tls: false is refused for the collector 192.0.2.7:514");
    assertThat(Files.exists(dir.resolve("data/audit.log"))).isFalse();
  }

  private static double backlog(String base) {
    try {
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = Pattern.compile("(?m)^rcx_audit_syslog_backlog_records (\\S+)").matcher(body);
      return m.find() ? Double.parseDouble(m.group(1)) : -1;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
