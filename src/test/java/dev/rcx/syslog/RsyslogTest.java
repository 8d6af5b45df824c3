package dev.rcx.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.VerifyResult;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.syslog.Rsyslog.Auth;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit forwarding to a real collector: Debian's rsyslogd, started privately by the test on
 * 127.0.0.1 with the README's configuration (TLS listener from rsyslog-gnutls with a CA and
 * certificate made here, or plaintext). Every record of the server's audit log must arrive, in
 * order, exactly once, byte for byte, also across a restart of the collector during which commands
 * ran. Skipped when rsyslogd is not installed; {@code .ci/run} installs it and fails if these tests
 * were skipped.
 */
@Tag("rsyslog")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RsyslogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ARRIVAL = Duration.ofSeconds(30);

  @TempDir Path dir;

  @BeforeAll
  static void needRsyslog() {
    assumeTrue(
        Rsyslog.binary() != null,
        "rsyslogd not installed (Debian packages rsyslog and rsyslog-gnutls); .ci/run installs"
            + " them and fails if this test was skipped");
    assumeTrue(
        Rsyslog.hasGnutls(),
        "rsyslog's TLS driver not installed (Debian package rsyslog-gnutls); .ci/run installs it"
            + " and fails if this test was skipped");
  }

  @Test
  void tls_collectorRestarts_everyRecordArrivesInOrderExactlyOnce() throws Exception {
    CollectorPki pki = CollectorPki.create(dir.resolve("pki"), "127.0.0.1", "localhost");
    try (Rsyslog collector = Rsyslog.start(dir.resolve("rsyslog"), Auth.TLS_ANON, pki)) {
      ServerConfig.Syslog syslog =
          ServerConfig.Syslog.tls(collector.address(), pki.ca())
              .withMaxBackoff(Duration.ofMillis(500));
      Path auditFile;
      try (TestServer s = TestServer.start(dir.resolve("server"), withSyslog(syslog))) {
        s.addUser("alice", "pw-alice-1");
        try (RcxClient c = s.loggedIn("alice", "pw-alice-1")) {
          ok(c, "echo before the outage");
        }
        awaitAll(collector, s);
        SyslogForwarder f = s.server().syslog().orElseThrow();
        assertThat(f.connected()).isTrue();
        // Stopped once the forwarder has committed what the collector has (see SyslogForwarder).
        Poll.until("the backlog metric at 0", ARRIVAL, () -> f.backlog() == 0);

        collector.stop();
        // Commands keep running while the collector is down; the log is the queue.
        try (RcxClient c = s.loggedIn("alice", "pw-alice-1")) {
          for (int i = 0; i < 5; i++) {
            ok(c, "echo during the outage " + i);
          }
        }
        Poll.until("a backlog while the collector is down", ARRIVAL, () -> f.backlog() > 0);
        assertThat(f.backlog()).isGreaterThanOrEqualTo(10);
        int receivedDuringOutage = collector.received().size();

        collector.restart();
        awaitAll(collector, s);
        assertThat(collector.received().size()).isGreaterThan(receivedDuringOutage);
        Poll.until("the backlog metric back to 0", ARRIVAL, () -> f.backlog() == 0);
        try (RcxClient c = s.loggedIn("alice", "pw-alice-1")) {
          ok(c, "echo after the outage");
        }
        awaitAll(collector, s);
        auditFile = s.auditFile();
      } // closing the server writes server_stopped and the final seal; they are delivered too
      List<String> log = lines(auditFile);
      Poll.until("the records written at shutdown", ARRIVAL, () -> received(collector).equals(log));
      assertThat(collector.received()).containsExactlyElementsOf(log);
      assertHeaders(collector, log);
      // The collector's copy is the log itself: its hash chain verifies.
      Path copy = Files.writeString(dir.resolve("copy.log"), String.join("\n", log) + "\n");
      assertThat(AuditLog.verify(copy)).isInstanceOf(VerifyResult.Intact.class);
    }
  }

  @Test
  void plaintext_loopbackCollector_receivesEveryRecord_evenALongOne() throws Exception {
    try (Rsyslog collector = Rsyslog.start(dir.resolve("rsyslog"), Auth.PLAINTEXT, null)) {
      ServerConfig.Syslog syslog =
          ServerConfig.Syslog.plaintext(collector.address()).withMaxBackoff(Duration.ofMillis(500));
      try (TestServer s = TestServer.start(dir.resolve("server"), withSyslog(syslog))) {
        s.addUser("bob", "pw-bob-123");
        // Eight words of 4,000 characters: a record of ~33 KB (beyond rsyslog's default 8 KiB).
        String words = String.join(" ", java.util.Collections.nCopies(8, "x".repeat(4000)));
        try (RcxClient c = s.loggedIn("bob", "pw-bob-123")) {
          ok(c, "echo " + words);
        }
        awaitAll(collector, s);
        assertThat(collector.received()).anyMatch(l -> l.length() > 32_000);
        assertHeaders(collector, collector.received());
      }
    }
  }

  @Test
  void tls_collectorAsksForClientCertificate_configuredOneIsAccepted() throws Exception {
    CollectorPki pki = CollectorPki.create(dir.resolve("pki"), "127.0.0.1");
    try (Rsyslog collector = Rsyslog.start(dir.resolve("rsyslog"), Auth.TLS_CLIENT_CERT, pki)) {
      ServerConfig.Syslog syslog =
          ServerConfig.Syslog.tls(collector.address(), pki.ca())
              .withClientCertificate(pki.clientCert(), pki.clientKey())
              .withMaxBackoff(Duration.ofMillis(500));
      try (TestServer s = TestServer.start(dir.resolve("server"), withSyslog(syslog))) {
        s.addUser("carol", "pw-carol-1");
        awaitAll(collector, s);
      }
    }
  }

  private static void ok(RcxClient c, String command) throws java.io.IOException {
    Response r = c.exec(command);
    assertThat(r).isInstanceOf(Response.CommandOutput.class);
    assertThat(((Response.CommandOutput) r).exitCode()).isZero();
  }

  /**
   * Measures how fast a backlog drains into a real collector over TLS: 20,000 records written while
   * rsyslogd is down, then the time from its restart until the last record is in its file. Prints
   * {@code SYSLOG BACKLOG: ...}.
   */
  @Test
  void tls_backlogOf20000Records_drainsInOrder_measured() throws Exception {
    CollectorPki pki = CollectorPki.create(dir.resolve("pki"), "127.0.0.1");
    Path data = java.nio.file.Files.createDirectories(dir.resolve("data"));
    try (Rsyslog collector = Rsyslog.start(dir.resolve("rsyslog"), Auth.TLS_ANON, pki);
        AuditLog log =
            AuditLog.open(
                data.resolve("audit.log"),
                java.time.Clock.systemUTC(),
                AuditLog.Options.defaults())) {
      collector.stop();
      ServerConfig.Syslog settings =
          ServerConfig.Syslog.tls(collector.address(), pki.ca())
              .withMaxBackoff(Duration.ofMillis(200));
      int n = 20_000;
      for (int i = 0; i < n; i++) {
        log.append(new dev.rcx.audit.AuditEvent.ServerStopping("backlog", i));
      }
      try (SyslogForwarder f =
          SyslogForwarder.start(SyslogForwarder.Options.of(settings, data, log::lastSeq))) {
        Poll.until("the backlog counted", ARRIVAL, () -> f.backlog() == log.lastSeq());
        long start = System.nanoTime();
        collector.restart();
        Poll.until("the backlog drained", Duration.ofSeconds(90), () -> f.backlog() == 0);
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<String> expected = lines(data.resolve("audit.log"));
        Poll.until(
            "every record in rsyslog's file",
            ARRIVAL,
            () -> received(collector).size() >= expected.size());
        assertThat(collector.received()).containsExactlyElementsOf(expected);
        System.out.printf(
            "SYSLOG BACKLOG: %d records (%d with seals) delivered over TLS to rsyslogd in %d ms"
                + " after it came back = %.0f records/s%n",
            n, expected.size(), ms, expected.size() * 1000.0 / Math.max(1, ms));
      }
    }
  }

  private static UnaryOperator<ServerConfig> withSyslog(ServerConfig.Syslog syslog) {
    return c -> c.withAudit(c.audit().withSyslog(syslog));
  }

  /** Waits until the collector holds exactly the server's log so far. */
  private static void awaitAll(Rsyslog collector, TestServer s) throws Exception {
    try {
      Poll.until(
          "every audit record at the collector",
          ARRIVAL,
          () -> received(collector).equals(s.auditLines()));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + "\nlog:\n"
              + String.join("\n", s.auditLines())
              + "\nreceived:\n"
              + String.join("\n", collector.received())
              + "\nrsyslogd:\n"
              + collector.output(),
          e);
    }
  }

  private static List<String> received(Rsyslog collector) {
    try {
      return collector.received();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** APP-NAME rcx, PROCID the server's pid, MSGID the event, SD the seq, PRI authpriv.notice. */
  private static void assertHeaders(Rsyslog collector, List<String> log) throws Exception {
    List<String> fields = collector.fields();
    assertThat(fields).hasSameSizeAs(log);
    for (int i = 0; i < log.size(); i++) {
      JsonNode record = JSON.readTree(log.get(i));
      String[] f = fields.get(i).split("\\|", 7);
      assertThat(f[0]).isEqualTo("rcx");
      assertThat(f[1]).isEqualTo(Long.toString(ProcessHandle.current().pid()));
      assertThat(f[2]).isEqualTo(record.get("event").textValue());
      assertThat(f[3]).isEqualTo("[rcx@32473 seq=\"" + record.get("seq").longValue() + "\"]");
      assertThat(f[4]).isEqualTo("85");
      assertThat(f[6]).isEqualTo(log.get(i));
    }
  }

  private static List<String> lines(Path file) throws Exception {
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    List<String> out = new java.util.ArrayList<>(List.of(text.split("\n", -1)));
    out.removeLast();
    return out;
  }
}
