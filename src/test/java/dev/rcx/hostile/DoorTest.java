package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.auth.PasswordHasher;
import dev.rcx.auth.UserStore;
import dev.rcx.config.ServerConfig;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nobody unauthenticated can hold the door or fill the disk: a connection that does not log in is
 * closed at the auth deadline however many pings it sends; one address cannot take more than its
 * share of the connection slots; a few protocol errors before login close the connection, pings or
 * not; and what one attacking address can make the server write to the audit log is bounded and
 * measured (printed as {@code AUDIT FLOOD}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoorTest {
  @TempDir Path dir;

  private static ServerConfig fair(
      ServerConfig c, int maxConnections, int perAddress, Duration auth, int auditPerAddress) {
    ServerConfig.Limits l =
        Hostile.limits(
                c,
                maxConnections,
                c.limits().handshakeTimeout(),
                c.limits().lineTimeout(),
                c.limits().idleTimeout())
            .limits();
    return c.withLimits(l.withFairness(auth, perAddress, l.maxCommandsPerUser(), auditPerAddress));
  }

  @Test
  void unauthenticatedConnection_pinging_closedAtAuthDeadline_loggedInOneStays() throws Exception {
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir).config(c -> fair(c, 64, 16, Duration.ofMillis(1500), 30)))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "member", "pw");
      try (Wire stranger = Hostile.wireFrom(s, "127.0.0.30");
          Wire member = Hostile.wireFrom(s, "127.0.0.31")) {
        assertThat(member.call(Hostile.command(token, "echo hi")).path("type").asText())
            .isEqualTo("command_output");
        long start = System.nanoTime();
        boolean closed = false;
        for (int i = 0; i < 100 && !closed; i++) {
          try {
            closed = !"pong".equals(stranger.call(Hostile.ping("p" + i)).path("type").asText());
          } catch (IOException e) {
            closed = true;
          }
          Hostile.sleep(Duration.ofMillis(100));
        }
        Duration held = Duration.ofNanos(System.nanoTime() - start);
        assertThat(closed).as("pings must not keep an unauthenticated connection open").isTrue();
        assertThat(held).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(6));
        assertThat(member.call(Hostile.ping("still")).path("type").asText()).isEqualTo("pong");
      }
      s.awaitAudit("connection_closed", e -> "auth_timeout".equals(e.path("reason").asText()));
      arena.finish();
    }
  }

  @Test
  void loginStillBeingCheckedAtTheAuthDeadline_succeeds_connectionNotClosed() throws Exception {
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir).config(c -> fair(c, 64, 16, Duration.ofSeconds(1), 30)))) {
      TestServer s = arena.server;
      // A hash that costs seconds to check (64 passes over 64 MiB): the login is still being
      // verified when the 1 s auth deadline passes, as a normal login is on a loaded machine.
      PasswordHasher slow = new PasswordHasher(new PasswordHasher.Params(65_536, 64, 1), 1);
      UserStore.open(s.dataDir().resolve(UserStore.DEFAULT_FILE_NAME), slow)
          .add("slowhash", "correct horse battery".toCharArray(), java.util.Set.of());
      try (Wire w = Hostile.wireFrom(s, "127.0.0.33")) {
        long start = System.nanoTime();
        JsonNode reply =
            w.call(
                Hostile.auth(
                    "slowhash", PasswordHasher.sha256Hex("correct horse battery".toCharArray())));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took)
            .as("the login must outlast the deadline")
            .isGreaterThan(Duration.ofSeconds(1));
        assertThat(reply.path("status").asText()).as(reply.toString()).isEqualTo("success");
        String token = reply.path("session_token").asText();
        JsonNode ran = w.call(Hostile.command(token, "echo hi"));
        assertThat(ran.path("type").asText()).as(ran.toString()).isEqualTo("command_output");
      }
      assertThat(
              Hostile.count(
                  s, "connection_closed", e -> "auth_timeout".equals(e.path("reason").asText())))
          .isZero();
      arena.finish();
    }
  }

  @Test
  void oneAddressHoldingSlots_getsItsShareOnly_othersStillLogIn() throws Exception {
    int max = 24;
    int perAddress = 6;
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .config(c -> fair(c, max, perAddress, Duration.ofSeconds(30), 30)))) {
      TestServer s = arena.server;
      SSLSocketFactory tls = s.pinnedContext().getSocketFactory();
      List<Hostile.Tls> held = new ArrayList<>();
      int busy = 0;
      try {
        for (int i = 0; i < max + 6; i++) {
          Hostile.Tls t = Hostile.tls(tls, s.port(), "127.0.0.32");
          held.add(t);
          Wire w = new Wire(t.ssl());
          JsonNode reply = w.call(Hostile.ping("h" + i));
          if ("SERVER_BUSY".equals(reply.path("code").asText())) {
            assertThat(reply.path("message").asText()).contains("max_connections_per_address");
            busy++;
          }
        }
        assertThat(busy)
            .as("connections beyond the per-address share")
            .isEqualTo(max + 6 - perAddress);
        s.addUser("other", "pw");
        try (Wire w = Hostile.wireFrom(s, "127.0.0.33")) {
          assertThat(w.call(Wire.auth("other", "pw")).path("status").asText()).isEqualTo("success");
        }
      } finally {
        held.forEach(Hostile.Tls::close);
      }
      arena.finish();
    }
  }

  @Test
  void protocolErrorsBeforeLogin_closeAfterAFew_evenWithPingsBetween() throws Exception {
    try (TestServer s = TestServer.start(dir);
        Wire w = Hostile.wireFrom(s, "127.0.0.34")) {
      int answered = 0;
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) {
        try {
          w.write("junk " + i + "\n");
          JsonNode err = w.readJson();
          if (err == null || !"error".equals(err.path("type").asText())) {
            closed = true;
            break;
          }
          answered++;
          closed = !"pong".equals(w.call(Hostile.ping("p" + i)).path("type").asText());
        } catch (IOException | RuntimeException e) {
          closed = true;
        }
      }
      assertThat(closed).isTrue();
      assertThat(answered).isLessThanOrEqualTo(4);
      s.awaitAudit(
          "connection_closed",
          e -> "too_many_protocol_errors_before_login".equals(e.path("reason").asText()));
    }
  }

  /**
   * One address attacks for a few seconds with every cheap way to make the server write: junk
   * lines, pings between them, TLS connects that close at once, failed logins as unknown users and
   * invalid tokens, on several connections in parallel. Prints what reached the log and the
   * steady-state bound.
   */
  @Test
  void auditFlood_oneAddress_boundedAndSummarised() throws Exception {
    int perWindow = 30;
    Duration attack = Duration.ofSeconds(6);
    String from = "127.0.0.35";
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .config(c -> fair(c, 256, 32, Duration.ofSeconds(15), perWindow)))) {
      TestServer s = arena.server;
      long before = Files.size(s.auditFile());
      AtomicLong linesSent = new AtomicLong();
      long deadline = System.nanoTime() + attack.toNanos();
      List<Thread> attackers = new ArrayList<>();
      for (int a = 0; a < 8; a++) {
        int kind = a % 5;
        attackers.add(
            Thread.ofPlatform()
                .name("flood-" + a)
                .start(() -> flood(s, from, kind, deadline, linesSent)));
      }
      for (Thread t : attackers) {
        t.join(attack.plusSeconds(30));
      }
      s.close();
      List<String> fromAttacker = new ArrayList<>();
      long bytes = 0;
      long largest = 0;
      for (String line : Files.readAllLines(s.auditFile())) {
        if (line.contains("\"client\":\"" + from)) {
          fromAttacker.add(line);
          int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
          bytes += size;
          largest = Math.max(largest, size);
        }
      }
      JsonNode summary =
          s.auditEvents("audit_suppressed").stream()
              .filter(e -> from.equals(e.path("client").asText()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no audit_suppressed record for " + from));
      double seconds = attack.toMillis() / 1000.0;
      long bound = (perWindow + 1 + 16) * 1024L; // a window's records, the summary, logins
      System.out.printf(
          "AUDIT FLOOD: %d requests/connections sent from %s in %.1f s; %d records (%d bytes,"
              + " largest %d) reached the log = %.0f bytes/s during the attack; %d suppressed (%s);"
              + " steady state at most (%d records x %d bytes + summary) / 60 s = %.0f bytes/s;"
              + " log grew %d bytes in all%n",
          linesSent.get(),
          from,
          seconds,
          fromAttacker.size(),
          bytes,
          largest,
          bytes / seconds,
          summary.path("suppressed").asLong(),
          summary.path("events").asText(),
          perWindow,
          largest,
          (perWindow * largest + 300) / 60.0,
          Files.size(s.auditFile()) - before);
      assertThat(summary.path("suppressed").asLong()).isGreaterThan(50);
      long failedLogins =
          fromAttacker.stream().filter(l -> l.contains("\"event\":\"auth_failed\"")).count();
      // Failed logins are always written; the login back-off lets 10 through per address, then one
      // after 1 s, 2 s, 4 s...
      assertThat(failedLogins).as("failed logins written").isLessThanOrEqualTo(16);
      assertThat(fromAttacker.size() - failedLogins)
          .as("other records written in full")
          .isLessThanOrEqualTo(perWindow + 1);
      assertThat(bytes).isLessThan(bound);
      assertThat(largest).as("largest record from the attacker").isLessThan(1024);
    }
  }

  private static void flood(TestServer s, String from, int kind, long deadline, AtomicLong sent) {
    while (kind == 4 && System.nanoTime() < deadline) {
      // Plain TCP connect and close: connection_opened, tls_handshake_failed, connection_closed.
      try (java.net.Socket raw = new java.net.Socket()) {
        raw.bind(new java.net.InetSocketAddress(from, 0));
        raw.connect(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), s.port()),
            5_000);
        sent.incrementAndGet();
      } catch (IOException e) {
        // refused or reset: try again
      }
    }
    while (System.nanoTime() < deadline) {
      try (Wire w = Hostile.wireFrom(s, from)) {
        sent.incrementAndGet();
        switch (kind) {
          case 0 -> {
            for (int i = 0; i < 10 && System.nanoTime() < deadline; i++) {
              w.write("{\"type\":\"nonsense-" + "x".repeat(200) + "\"}\n");
              w.readLine();
              w.call(Hostile.ping("p"));
              sent.incrementAndGet();
            }
          }
          case 1 -> {} // connect, handshake, leave
          case 2 -> {
            w.call(Wire.auth("no-such-user-" + (sent.get() % 1000), "pw"));
            sent.incrementAndGet();
          }
          default -> {
            for (int i = 0; i < 10 && System.nanoTime() < deadline; i++) {
              w.call(Hostile.command("A".repeat(43), "echo hi"));
              sent.incrementAndGet();
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // Closed by the server (error limit, deadline): connect again.
      }
    }
  }
}
