package dev.rcx.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditLog;
import dev.rcx.config.ConfigException;
import dev.rcx.config.ServerConfig;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestClock;
import dev.rcx.tls.ServerIdentity;
import dev.rcx.tls.ServerTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder against an in-process collector over real loopback sockets (plain and TLS) and a
 * real audit log: outages, restarts of either side, a replaced log, wrong trust, and what the
 * server's log is told.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogForwarderTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private AuditLog log;
  private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void openLog() {
    log = AuditLog.open(dir.resolve("audit.log"), new TestClock(), AuditLog.Options.unsealed());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
    log.close();
  }

  private void write(int n) {
    for (int i = 0; i < n; i++) {
      log.append(new AuditEvent.ServerStopping("test", i));
    }
  }

  private List<String> lines() throws Exception {
    String text = Files.readString(dir.resolve("audit.log"), StandardCharsets.ISO_8859_1);
    List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
    out.removeLast();
    return out;
  }

  private SyslogForwarder forwarder(ServerConfig.Syslog settings) {
    SyslogForwarder f =
        SyslogForwarder.start(
            SyslogForwarder.Options.of(settings, dir, log::lastSeq)
                .withSink((level, message) -> logged.add(level + " " + message)));
    toClose.add(f);
    return f;
  }

  private FakeCollector collector() throws Exception {
    FakeCollector c = new FakeCollector(null).start();
    toClose.add(c);
    return c;
  }

  private static ServerConfig.Syslog plain(String address) {
    return ServerConfig.Syslog.plaintext(address).withMaxBackoff(Duration.ofMillis(200));
  }

  private void awaitEverything(FakeCollector c) throws Exception {
    try {
      Poll.until("every record at the collector", WAIT, () -> records(c).equals(linesQuietly()));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "\nlogged: " + logged + "\nreceived: " + c.records(), e);
    }
  }

  private static List<String> records(FakeCollector c) {
    return c.records();
  }

  private List<String> linesQuietly() {
    try {
      return lines();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void collectorDownAtStart_backlogGrows_thenArrivesInOrderOnce_cursorNamesTheLast()
      throws Exception {
    FakeCollector c = collector();
    String address = c.address();
    c.stop();
    write(5);
    SyslogForwarder f = forwarder(plain(address));
    write(5);
    Poll.until(
        "the failure is logged",
        WAIT,
        () -> logged.stream().anyMatch(m -> m.contains("cannot connect")));
    assertThat(f.backlog()).isEqualTo(10);
    assertThat(f.connected()).isFalse();
    assertThat(logged)
        .anyMatch(
            m ->
                m.startsWith("WARN audit syslog: cannot deliver to the collector " + address)
                    && m.contains("is the collector running and listening on port")
                    && m.contains("records waiting in the local audit log"));

    c.start();
    awaitEverything(c);
    Poll.until("backlog 0", WAIT, () -> f.backlog() == 0);
    assertThat(logged)
        .anyMatch(m -> m.startsWith("INFO audit syslog: connected to collector " + address));
    write(3); // then new records as they come
    awaitEverything(c);
    Poll.until("cursor written", WAIT, () -> cursorSeq() == 13);
    String last = lines().getLast();
    assertThat(Files.readString(dir.resolve(Cursor.FILE)))
        .contains("\"hash\":\"" + new LogRecord(13, "", "", last, 0).hash() + "\"");
  }

  @Test
  void collectorRestarts_whileIdle_nothingLostNothingTwice() throws Exception {
    FakeCollector c = collector();
    SyslogForwarder f = forwarder(plain(c.address()));
    write(4);
    awaitEverything(c);
    // Delivered means committed: a collector that closes within the settle time after a batch
    // gets that batch again (the seq tells it), so stop it only after the commit.
    Poll.until("backlog 0", WAIT, () -> f.backlog() == 0);
    c.stop(); // closes the idle connection: the forwarder notices before it sends again
    write(6);
    Poll.until(
        "lost the collector",
        WAIT,
        () -> logged.stream().anyMatch(m -> m.contains("lost the collector")));
    assertThat(c.records()).hasSize(4);
    c.start();
    awaitEverything(c);
    assertThat(c.connections()).isGreaterThanOrEqualTo(2);
    Poll.until("backlog 0", WAIT, () -> f.backlog() == 0);
  }

  @Test
  void collectorStopsReading_sendEndsAtTheWriteDeadline_thenANewConnection() throws Exception {
    FakeCollector c = collector();
    c.stall(true);
    SyslogForwarder f =
        SyslogForwarder.start(
            SyslogForwarder.Options.of(plain(c.address()), dir, log::lastSeq)
                .withSink((level, message) -> logged.add(level + " " + message))
                .withWriteDeadline(Duration.ofSeconds(1)));
    toClose.add(f);
    // 3,000 records of ~4 KB (the log caps a text field at 4,096 characters): 12 MB, more than
    // the socket buffers hold, so the send blocks.
    for (int i = 0; i < 3000; i++) {
      log.append(new AuditEvent.ServerStopping("x".repeat(100_000), i));
    }
    try {
      Poll.until(
          "the write deadline",
          WAIT,
          () ->
              logged.stream().anyMatch(m -> m.contains("did not take the records within 1000 ms")));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nlogged: " + logged, e);
    }
    assertThat(f.backlog()).isPositive();
    // The batch goes to a new connection (records a stalled collector's TCP buffers took but it
    // never read are the loss SECURITY.md names: TCP syslog has no acknowledgement).
    Poll.until("a new connection", WAIT, () -> c.connections() >= 2);
  }

  @Test
  void logFilesCannotBeListedForAWhile_forwardingGoesOnAfterwards() throws Exception {
    FakeCollector c = collector();
    java.util.concurrent.atomic.AtomicInteger failures =
        new java.util.concurrent.atomic.AtomicInteger(3);
    write(2);
    SyslogForwarder f =
        SyslogForwarder.start(
            SyslogForwarder.Options.of(plain(c.address()), dir, log::lastSeq)
                .withSink((level, message) -> logged.add(level + " " + message))
                .withFiles(
                    () -> {
                      if (failures.getAndDecrement() > 0) {
                        throw new IllegalStateException("cannot list " + dir);
                      }
                      return List.of(dir.resolve("audit.log"));
                    }));
    toClose.add(f);
    awaitEverything(c);
    assertThat(logged)
        .anyMatch(m -> m.startsWith("ERROR audit syslog: unexpected failure, retrying in 1 s"));
  }

  @Test
  void forwarderRestarts_resumesAfterTheCursor() throws Exception {
    FakeCollector c = collector();
    SyslogForwarder first = forwarder(plain(c.address()));
    write(7);
    awaitEverything(c);
    Poll.until("cursor written", WAIT, () -> cursorSeq() == 7);
    first.close();
    write(2);
    forwarder(plain(c.address()));
    awaitEverything(c); // exactly the log: the first 7 were not sent again
    assertThat(logged).anyMatch(m -> m.contains("from seq 8"));
  }

  @Test
  void cursorOfAnotherLog_wholeLogSentAgain_withAWarning() throws Exception {
    write(3);
    Files.writeString(
        dir.resolve(Cursor.FILE), "{\"seq\":2,\"hash\":\"" + "ab".repeat(32) + "\"}\n");
    FakeCollector c = collector();
    forwarder(plain(c.address()));
    awaitEverything(c);
    assertThat(logged)
        .anyMatch(
            m ->
                m.startsWith("WARN audit syslog: the cursor " + dir.resolve(Cursor.FILE))
                    && m.contains("the log was replaced"));
  }

  @Test
  void tls_collectorCertificateFromAnotherCa_refused_errorNamesAddressAndCaFile() throws Exception {
    CollectorPki pki = CollectorPki.create(dir.resolve("pki"), "127.0.0.1");
    FakeCollector c =
        new FakeCollector(
                ServerTls.context(
                    ServerIdentity.loadPem(pki.collectorCert(), pki.collectorKey()), List.of()))
            .start();
    toClose.add(c);
    Path wrongCa = CollectorPki.otherCa(dir.resolve("other-ca.pem"));
    write(2);
    SyslogForwarder f =
        forwarder(
            ServerConfig.Syslog.tls(c.address(), wrongCa).withMaxBackoff(Duration.ofMillis(200)));
    Poll.until(
        "the TLS error is logged", WAIT, () -> logged.stream().anyMatch(m -> m.contains("TLS")));
    assertThat(logged)
        .anyMatch(
            m ->
                m.startsWith("ERROR audit syslog: cannot deliver to the collector " + c.address())
                    && m.contains("the collector's certificate is not accepted")
                    && m.contains("audit.syslog.ca (" + wrongCa + ")"));
    assertThat(c.records()).isEmpty();
    assertThat(f.backlog()).isEqualTo(2);
  }

  @Test
  void tls_rightCa_delivers() throws Exception {
    CollectorPki pki = CollectorPki.create(dir.resolve("pki"), "127.0.0.1");
    FakeCollector c =
        new FakeCollector(
                ServerTls.context(
                    ServerIdentity.loadPem(pki.collectorCert(), pki.collectorKey()), List.of()))
            .start();
    toClose.add(c);
    write(3);
    forwarder(ServerConfig.Syslog.tls(c.address(), pki.ca()));
    awaitEverything(c);
  }

  @Test
  void tls_certificateWithoutTheCollectorsName_refused() throws Exception {
    CollectorPki pki = CollectorPki.create(dir.resolve("pki"), "logs.example.org");
    FakeCollector c =
        new FakeCollector(
                ServerTls.context(
                    ServerIdentity.loadPem(pki.collectorCert(), pki.collectorKey()), List.of()))
            .start();
    toClose.add(c);
    write(1);
    forwarder(
        ServerConfig.Syslog.tls(c.address(), pki.ca()).withMaxBackoff(Duration.ofMillis(200)));
    Poll.until(
        "the TLS error is logged", WAIT, () -> logged.stream().anyMatch(m -> m.contains("TLS")));
    assertThat(logged).anyMatch(m -> m.contains("names '127.0.0.1'"));
    assertThat(c.records()).isEmpty();
  }

  @Test
  void check_plaintextToANonLoopbackAddress_refused() {
    assertThatThrownBy(() -> SyslogForwarder.check(ServerConfig.Syslog.plaintext("192.0.2.10:514")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("audit.syslog.tls: false is refused for the collector 192.0.2.10:514")
        .hasMessageContaining("not a loopback address");
    SyslogForwarder.check(ServerConfig.Syslog.plaintext("127.0.0.1:514"));
    SyslogForwarder.check(ServerConfig.Syslog.plaintext("[::1]:514"));
  }

  @Test
  void connect_plaintextToANonLoopbackAddress_refusedBeforeConnecting() {
    assertThatThrownBy(
            () ->
                CollectorConnection.open(
                    new CollectorConnection.Target("192.0.2.10", 514, null), Duration.ofSeconds(1)))
        .isInstanceOf(CollectorConnection.PlaintextRefusedException.class)
        .hasMessageContaining(
            "192.0.2.10:514 resolves to 192.0.2.10, which is not a loopback address");
  }

  @Test
  void check_unreadableCaFile_refusedNamingIt() throws Exception {
    Path missing = dir.resolve("no-such-ca.pem");
    assertThatThrownBy(
            () -> SyslogForwarder.check(ServerConfig.Syslog.tls("127.0.0.1:6514", missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("audit.syslog.ca: cannot use " + missing);
    Path notPem = Files.writeString(dir.resolve("ca.txt"), "hello");
    assertThatThrownBy(
            () -> SyslogForwarder.check(ServerConfig.Syslog.tls("127.0.0.1:6514", notPem)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("audit.syslog.ca: cannot use " + notPem)
        .hasMessageContaining("not a PEM file");
  }

  private long cursorSeq() {
    try {
      Cursor.Position p = new Cursor(dir).read();
      return p == null ? 0 : p.seq();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
