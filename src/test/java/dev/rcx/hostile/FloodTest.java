package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods: more connections than allowed, thousands of pipelined requests on one connection,
 * hundreds of connect/disconnect cycles, and clients vanishing at every step of a conversation. The
 * server refuses what is over its limits without crashing, releases everything a vanished client
 * held, and the honest client never notices.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FloodTest {
  @TempDir Path dir;

  @Test
  void moreConnectionsThanAllowed_excessRefusedWithServerBusy_honestClientUnharmed()
      throws Exception {
    int max = 20;
    try (Arena arena =
        Arena.open(TestServer.builder(dir).config(c -> Hostile.maxConnections(c, max)))) {
      TestServer s = arena.server;
      SSLSocketFactory tls = s.pinnedContext().getSocketFactory();
      List<Hostile.Tls> holders = new ArrayList<>();
      try {
        // The honest client holds one slot; these take the rest.
        for (int i = 0; i < max - 1; i++) {
          holders.add(Hostile.tls(tls, s.port(), "127.0.0.1"));
        }
        Poll.until(
            "all slots taken", Duration.ofSeconds(10), () -> s.server().activeConnections() == max);
        int excess = 120;
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        List<String> other = new ArrayList<>();
        List<Thread> flood = new ArrayList<>();
        for (int i = 0; i < excess; i++) {
          flood.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try (Hostile.Tls t = Hostile.tls(tls, s.port(), "127.0.0.1");
                            Wire w = new Wire(t.ssl())) {
                          String line = w.readLine();
                          if (line == null) {
                            closed.incrementAndGet();
                          } else if (Hostile.JSON
                              .readTree(line)
                              .path("code")
                              .asText()
                              .equals("SERVER_BUSY")) {
                            busy.incrementAndGet();
                            assertThat(w.closedByPeer(Duration.ofSeconds(5))).isTrue();
                          } else {
                            synchronized (other) {
                              other.add(line);
                            }
                          }
                        } catch (IOException e) {
                          closed.incrementAndGet(); // refused without a word: past the slots for
                          // telling clients why
                        }
                      }));
        }
        arena.honest.awaitProgress();
        for (Thread t : flood) {
          assertThat(t.join(Duration.ofSeconds(30))).as("flood client finished").isTrue();
        }
        System.out.printf(
            "FLOOD: %d excess connections: %d SERVER_BUSY, %d closed without reply%n",
            excess, busy.get(), closed.get());
        assertThat(other).as("replies other than SERVER_BUSY").isEmpty();
        assertThat(busy.get() + closed.get()).isEqualTo(excess);
        assertThat(busy.get()).as("excess clients told SERVER_BUSY").isPositive();
        Hostile.awaitCount(s, "connection_rejected", e -> true, excess, Duration.ofSeconds(5));
        assertThat(s.server().activeConnections()).isEqualTo(max);
        arena.honest.awaitProgress();
      } finally {
        holders.forEach(Hostile.Tls::close);
      }
      // Slots free again: fresh clients are served (finish() connects anew).
      Poll.until(
          "slots released", Duration.ofSeconds(10), () -> s.server().activeConnections() == 1);
      arena.finish();
    }
  }

  @Test
  void thousandsOfPipelinedRequestsOnOneConnection_allAnsweredInOrder() throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "piper", "pw");
      int requests = 3000;
      try (Hostile.Tls t = Hostile.tls(s, "127.0.0.1");
          Wire w = new Wire(t.ssl())) {
        Thread writer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        OutputStream out =
                            new BufferedOutputStream(t.ssl().getOutputStream(), 16 * 1024);
                        for (int i = 0; i < requests; i++) {
                          String line =
                              i % 8 == 0
                                  ? Hostile.command(token, "echo n" + i, "c" + i)
                                  : Hostile.ping("p" + i);
                          out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                        out.flush();
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    });
        for (int i = 0; i < requests; i++) {
          JsonNode reply = w.readJson();
          if (i % 8 == 0) {
            assertThat(reply.path("id").asText()).isEqualTo("c" + i);
            assertThat(reply.path("output").asText()).isEqualTo("n" + i + "\n");
          } else {
            assertThat(reply.path("type").asText()).as("reply %d", i).isEqualTo("pong");
            assertThat(reply.path("id").asText()).isEqualTo("p" + i);
          }
        }
        assertThat(writer.join(Duration.ofSeconds(10))).isTrue();
        arena.honest.awaitProgress();
      }
      arena.finish();
    }
  }

  /**
   * A full pipeline behind a slow command stops the server reading, which is back-pressure, not a
   * slow sender: the line the server has not yet taken is complete and must not trip the line
   * timeout.
   */
  @Test
  void pipelineStalledBehindSlowCommand_notMistakenForSlowSender() throws Exception {
    Duration line = Duration.ofSeconds(1);
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .config(
                    c ->
                        Hostile.timeouts(
                            c, Duration.ofSeconds(5), line, Duration.ofSeconds(30))))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "piper", "pw");
      StringBuilder burst =
          new StringBuilder(Hostile.command(token, "sleep 1.6", "slow")).append('\n');
      int pings = 24;
      for (int i = 0; i < pings; i++) {
        burst.append(Hostile.ping("p" + i)).append('\n');
      }
      try (Wire w = s.wire()) {
        w.write(
            burst.toString()); // one TLS record: the server's reader has every line in hand at once
        assertThat(w.readJson().path("status").asText()).isEqualTo("success");
        for (int i = 0; i < pings; i++) {
          assertThat(w.readJson().path("id").asText()).isEqualTo("p" + i);
        }
      }
      assertThat(Hostile.count(s, "connection_closed", Hostile.field("reason", "line_timeout")))
          .isZero();
      arena.finish();
    }
  }

  @Test
  void hundredsOfConnectDisconnectCycles_nothingLeaks() throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir).config(Hostile::everyRecord))) {
      TestServer s = arena.server;
      SSLSocketFactory tls = s.pinnedContext().getSocketFactory();
      int cycles = 500;
      for (int i = 0; i < cycles; i++) {
        // Two in five complete a TLS handshake (the expensive kind); the rest stop at TCP.
        switch (i % 5) {
          case 0 -> Hostile.tls(tls, s.port(), "127.0.0.1").close();
          case 1 -> {
            try (Hostile.Tls t = Hostile.tls(tls, s.port(), "127.0.0.1");
                Wire w = new Wire(t.ssl())) {
              assertThat(w.call(Hostile.ping("x")).path("type").asText()).isEqualTo("pong");
            }
          }
          case 2, 3 -> s.rawPlain().close();
          default -> Hostile.reset(s.rawPlain());
        }
      }
      arena.honest.awaitProgress();
      Poll.until(
          "every cycle's connection released",
          Duration.ofSeconds(15),
          () -> s.server().activeConnections() == 1);
      Hostile.awaitCount(s, "connection_closed", e -> true, cycles, Duration.ofSeconds(10));
      arena.finish();
    }
  }

  /** Where in a conversation a client vanishes, and how. */
  enum Vanish {
    MID_CLIENT_HELLO,
    MID_CLIENT_HELLO_RESET,
    AFTER_CLIENT_HELLO,
    AFTER_HANDSHAKE,
    MID_LINE,
    MID_LINE_RESET,
    MID_COMMAND,
    MID_COMMAND_RESET,
    BEFORE_COMMAND_REPLY,
    BEFORE_AUTH_REPLY,
    BEFORE_PING_REPLY
  }

  @Test
  void clientsVanishingAtEveryStep_serverReleasesEverything_honestClientUnharmed()
      throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir).config(Hostile::everyRecord))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "vanisher", "pw");
      SSLSocketFactory tls = s.pinnedContext().getSocketFactory();
      byte[] hello = Hostile.clientHello(s.pinnedContext());
      Map<String, Vanish> clients = new ConcurrentHashMap<>();
      int rounds = 8;
      for (int round = 0; round < rounds; round++) {
        for (Vanish v : Vanish.values()) {
          clients.put(vanish(v, s, tls, hello, token), v);
        }
      }
      // One more mid-command vanish whose process we can watch die.
      Path pidFile = s.commands().pidFile("pidsleep");
      String before = size(pidFile) > 0 ? Files.readString(pidFile) : "";
      try (Hostile.Tls t = Hostile.tls(tls, s.port(), "127.0.0.1")) {
        t.ssl()
            .getOutputStream()
            .write((Hostile.command(token, "pidsleep") + "\n").getBytes(StandardCharsets.UTF_8));
        awaitNewPid(pidFile, before);
      }
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      Poll.until(
          "command of a vanished client killed", Duration.ofSeconds(10), () -> !Poll.alive(pid));

      arena.honest.awaitProgress();
      Poll.until(
          "every vanished client's connection released",
          Duration.ofSeconds(20),
          () -> s.server().activeConnections() == 1 && s.server().runningCommands() == 0);
      Hostile.awaitCount(
          s,
          "connection_closed",
          e -> clients.containsKey(e.path("client").asText()),
          clients.size(),
          Duration.ofSeconds(10));
      Map<String, String> reasons =
          s.auditEvents("connection_closed").stream()
              .collect(
                  Collectors.toMap(
                      e -> e.path("client").asText(), e -> e.path("reason").asText(), (a, b) -> b));
      Map<Vanish, List<String>> byKind =
          clients.entrySet().stream()
              .collect(
                  Collectors.groupingBy(
                      Map.Entry::getValue,
                      Collectors.mapping(e -> reasons.get(e.getKey()), Collectors.toList())));
      System.out.println(
          "VANISH close reasons: "
              + byKind.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue().stream().distinct().toList())
                  .toList());
      assertThat(byKind.get(Vanish.MID_CLIENT_HELLO)).containsOnly("tls_handshake_failed");
      assertThat(byKind.get(Vanish.AFTER_CLIENT_HELLO)).containsOnly("tls_handshake_failed");
      assertThat(byKind.get(Vanish.AFTER_HANDSHAKE)).containsOnly("client_closed");
      assertThat(byKind.get(Vanish.MID_LINE)).containsOnly("client_disconnected_mid_line");
      assertThat(byKind.get(Vanish.MID_COMMAND)).containsOnly("client_disconnected_mid_command");
      long cancelled = Hostile.count(s, "command_run", Hostile.field("outcome", "cancelled"));
      assertThat(cancelled)
          .as("commands killed because their client vanished")
          .isGreaterThanOrEqualTo(2L * rounds + 1);
      arena.finish();
    }
  }

  /**
   * Opens a connection, goes as far as {@code v} says, vanishes; returns the client name the server
   * audits.
   */
  private static String vanish(
      Vanish v, TestServer s, SSLSocketFactory tls, byte[] hello, String token) throws IOException {
    if (v == Vanish.MID_CLIENT_HELLO
        || v == Vanish.MID_CLIENT_HELLO_RESET
        || v == Vanish.AFTER_CLIENT_HELLO) {
      Socket tcp = s.rawPlain();
      String name = Hostile.clientName(tcp);
      tcp.getOutputStream().write(hello, 0, v == Vanish.AFTER_CLIENT_HELLO ? hello.length : 40);
      if (v == Vanish.AFTER_CLIENT_HELLO) {
        tcp.getInputStream().read(); // the server's flight has begun
      }
      if (v == Vanish.MID_CLIENT_HELLO_RESET) {
        Hostile.reset(tcp);
      } else {
        tcp.close();
      }
      return name;
    }
    Hostile.Tls t = Hostile.tls(tls, s.port(), "127.0.0.1");
    String name = t.client();
    OutputStream out = t.ssl().getOutputStream();
    Function<String, byte[]> line = json -> (json + "\n").getBytes(StandardCharsets.UTF_8);
    switch (v) {
      case AFTER_HANDSHAKE -> {}
      case MID_LINE, MID_LINE_RESET -> out.write("{\"type\":\"pi".getBytes(StandardCharsets.UTF_8));
      case MID_COMMAND, MID_COMMAND_RESET -> {
        // The command has started when its process has written a new PID: a count of running
        // commands would race
        // with the honest client's own commands.
        Path pidFile = s.commands().pidFile("pidsleep");
        String before = size(pidFile) > 0 ? Files.readString(pidFile) : "";
        out.write(line.apply(Hostile.command(token, "pidsleep")));
        awaitNewPid(pidFile, before);
      }
      case BEFORE_COMMAND_REPLY -> out.write(line.apply(Hostile.command(token, "echo bye")));
      case BEFORE_AUTH_REPLY -> out.write(line.apply(Hostile.auth("vanisher", "0".repeat(64))));
      case BEFORE_PING_REPLY -> out.write(line.apply(Hostile.ping("bye")));
      default -> throw new AssertionError(v);
    }
    out.flush();
    if (v == Vanish.MID_LINE_RESET || v == Vanish.MID_COMMAND_RESET) {
      Hostile.reset(t.tcp());
    } else {
      t.ssl().close();
    }
    return name;
  }

  /**
   * Waits until a pidsleep command has written a PID other than {@code before}: its process has
   * started.
   */
  private static void awaitNewPid(Path pidFile, String before) {
    Poll.until(
        "command started",
        Duration.ofSeconds(10),
        () -> {
          try {
            String now = size(pidFile) > 0 ? Files.readString(pidFile) : "";
            return now.endsWith("\n") && !now.equals(before);
          } catch (IOException e) {
            return false;
          }
        });
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
