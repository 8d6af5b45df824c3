package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of slow, partial and silent connections at once: each is dropped at its own deadline
 * (line, handshake or idle timeout, enforced by the server's watchdog), each drop is audited with
 * its reason, and an honest client keeps running commands and opening fresh connections throughout.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowSendersTest {
  private static final Duration HANDSHAKE = Duration.ofSeconds(1);
  private static final Duration LINE = Duration.ofMillis(1500);
  private static final Duration IDLE = Duration.ofMillis(2500);

  /**
   * Allowed lateness of a drop: the watchdog ticks every 200 ms, and everything shares two loaded
   * cores.
   */
  private static final Duration LATE = Duration.ofSeconds(5);

  private static final Duration TRICKLE_EVERY = Duration.ofMillis(200);

  private static final int TRICKLERS = 200;
  private static final int STALLED_PER_KIND = 20;
  private static final int SILENT = 60;

  @TempDir Path dir;

  /** What one attacking connection does, and what the server must do about it. */
  enum Kind {
    /** TLS done, then one byte of a JSON line every 200 ms, never a newline. */
    TRICKLE_LINE(LINE, "line_timeout"),
    /** TCP only, nothing sent. */
    NO_CLIENT_HELLO(HANDSHAKE, "tls_handshake_failed"),
    /** The first 60 bytes of a ClientHello, then nothing. */
    PARTIAL_CLIENT_HELLO(HANDSHAKE, "tls_handshake_failed"),
    /** A ClientHello one byte every 200 ms. */
    TRICKLE_CLIENT_HELLO(HANDSHAKE, "tls_handshake_failed"),
    /** A whole ClientHello, then no reply to the server's flight (no Finished). */
    NO_FINISHED(HANDSHAKE, "tls_handshake_failed"),
    /** TLS done, then nothing at all. */
    SILENT(IDLE, "idle_timeout");

    final Duration deadline;
    final String closeReason;

    Kind(Duration deadline, String closeReason) {
      this.deadline = deadline;
      this.closeReason = closeReason;
    }
  }

  /**
   * One attacking connection; {@code startNanos} is when its deadline began on the client's side.
   */
  static final class Attacker {
    final Kind kind;
    final Socket socket;
    final Socket tcp;
    final String client;
    final OutputStream out;
    final long startNanos;
    volatile long closedNanos;
    int sent;

    Attacker(Kind kind, Socket socket, long startNanos) throws IOException {
      this(kind, socket, socket, startNanos);
    }

    Attacker(Kind kind, Socket socket, Socket tcp, long startNanos) throws IOException {
      this.kind = kind;
      this.socket = socket;
      this.tcp = tcp;
      this.client = Hostile.clientName(tcp);
      this.out = socket.getOutputStream();
      this.startNanos = startNanos;
    }

    Duration lifetime() {
      return Duration.ofNanos(closedNanos - startNanos);
    }
  }

  @Test
  void slowPartialAndSilentConnections_droppedAtTheirDeadlines_honestClientUnharmed()
      throws Exception {
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir).config(c -> Hostile.timeouts(c, HANDSHAKE, LINE, IDLE)),
            HonestClient.Options.defaults().withReconnectEvery(20))) {
      TestServer s = arena.server;
      byte[] hello = Hostile.clientHello(s.pinnedContext());
      List<Attacker> attackers = new CopyOnWriteArrayList<>();
      List<Thread> watchers = new ArrayList<>();
      AtomicBoolean opened = new AtomicBoolean();
      Thread trickler =
          Thread.ofPlatform().name("trickler").start(() -> trickle(attackers, opened, hello));
      try {
        long opening = System.nanoTime();
        open(
            s,
            hello,
            a -> {
              attackers.add(a);
              watchers.add(watch(a));
            });
        opened.set(true);
        System.out.printf(
            "SLOW-SENDERS: %d connections opened in %d ms%n",
            attackers.size(), (System.nanoTime() - opening) / 1_000_000);
        arena.honest.awaitProgress();
        assertThat(trickler.join(Duration.ofSeconds(30))).as("trickler finished").isTrue();
        for (Thread w : watchers) {
          assertThat(w.join(Duration.ofSeconds(20))).as("watcher finished").isTrue();
        }
        for (Attacker a : attackers) {
          assertThat(a.closedNanos).as("%s %s closed by the server", a.kind, a.client).isNotZero();
          assertThat(a.lifetime())
              .as("%s %s dropped at its %s deadline", a.kind, a.client, a.kind.deadline)
              .isGreaterThanOrEqualTo(a.kind.deadline.minusMillis(100))
              .isLessThanOrEqualTo(a.kind.deadline.plus(LATE));
        }
        assertAudited(s, attackers);
        Hostile.awaitCount(
            s, "connection_closed", e -> true, attackers.size(), Duration.ofSeconds(5));
      } finally {
        attackers.forEach(a -> Hostile.closeQuietly(a.tcp));
      }
      arena.finish();
    }
  }

  /**
   * The reverse of a slow sender: a client that pipelines requests with large replies and never
   * reads them. Once the socket buffers are full the server's write cannot progress; it must drop
   * the connection when a reply makes no progress for the line timeout, instead of holding the
   * connection (and its slot) forever.
   */
  @Test
  void clientThatNeverReadsReplies_droppedAtTheLineTimeout_honestClientUnharmed() throws Exception {
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir).config(c -> Hostile.timeouts(c, HANDSHAKE, LINE, IDLE)))) {
      TestServer s = arena.server;
      s.addUser("reader", "pw");
      String token;
      try (var c = s.loggedIn("reader", "pw")) {
        token = c.token();
      }
      List<String> words = java.util.Collections.nCopies(16, "x".repeat(3500));
      byte[] request =
          (Hostile.command(token, "echo", words, "r") + "\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Hostile.Tls hog = Hostile.tls(s, "127.0.0.1");
      String client = hog.client();
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer =
          Thread.ofPlatform()
              .daemon(true)
              .start(
                  () -> {
                    try {
                      OutputStream out = hog.ssl().getOutputStream();
                      for (int i = 0; i < 2000 && !stop.get(); i++) {
                        out.write(request);
                      }
                    } catch (IOException e) {
                      // dropped by the server
                    }
                  });
      try {
        arena.honest.awaitProgress();
        JsonNode closed =
            s.awaitAudit(
                "connection_closed",
                e -> client.equals(e.path("client").asText()),
                Duration.ofSeconds(30));
        assertThat(closed.path("reason").asText()).isEqualTo("write_timeout");
        arena.honest.awaitProgress();
      } finally {
        stop.set(true);
        Hostile.closeQuietly(hog);
        writer.join(Duration.ofSeconds(10));
      }
      arena.finish();
    }
  }

  private static void open(TestServer s, byte[] hello, Consumer<Attacker> attackers)
      throws IOException {
    SSLSocketFactory tls = s.pinnedContext().getSocketFactory();
    for (int i = 0; i < STALLED_PER_KIND; i++) {
      attackers.accept(new Attacker(Kind.NO_CLIENT_HELLO, s.rawPlain(), System.nanoTime()));
      Attacker partial = new Attacker(Kind.PARTIAL_CLIENT_HELLO, s.rawPlain(), System.nanoTime());
      partial.out.write(hello, 0, 60);
      attackers.accept(partial);
      attackers.accept(new Attacker(Kind.TRICKLE_CLIENT_HELLO, s.rawPlain(), System.nanoTime()));
      Attacker noFinished = new Attacker(Kind.NO_FINISHED, s.rawPlain(), System.nanoTime());
      noFinished.out.write(hello);
      attackers.accept(noFinished);
    }
    for (int i = 0; i < TRICKLERS; i++) {
      Hostile.Tls conn = Hostile.tls(tls, s.port(), "127.0.0.1");
      conn.ssl().getOutputStream().write('{');
      Attacker a = new Attacker(Kind.TRICKLE_LINE, conn.ssl(), conn.tcp(), System.nanoTime());
      a.sent = 1;
      attackers.accept(a);
    }
    for (int i = 0; i < SILENT; i++) {
      Hostile.Tls conn = Hostile.tls(tls, s.port(), "127.0.0.1");
      attackers.accept(new Attacker(Kind.SILENT, conn.ssl(), conn.tcp(), System.nanoTime()));
    }
  }

  /** Reads until the server closes the connection (end of stream or an error) and records when. */
  private static Thread watch(Attacker a) {
    return Thread.ofPlatform()
        .start(
            () -> {
              try {
                a.socket.setSoTimeout(15_000);
                InputStream in = a.socket.getInputStream();
                byte[] sink = new byte[4096];
                while (in.read(sink) >= 0) {
                  // The NO_FINISHED kind receives the server's handshake flight; discard it.
                }
              } catch (IOException e) {
                // Reset, or TLS noticing the missing close_notify: closed either way (a timeout is
                // not).
                if (e instanceof java.net.SocketTimeoutException) {
                  return;
                }
              }
              a.closedNanos = System.nanoTime();
            });
  }

  /**
   * Sends the next byte on every trickling connection every 200 ms until all attackers are open and
   * then closed, for at most 30 s.
   */
  private static void trickle(List<Attacker> attackers, AtomicBoolean opened, byte[] hello) {
    byte[] line =
        "{\"type\":\"ping\",\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .getBytes(StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      boolean open = !opened.get();
      for (Attacker a : attackers) {
        if (a.closedNanos != 0) {
          continue;
        }
        open = true;
        byte[] source =
            switch (a.kind) {
              case TRICKLE_LINE -> line;
              case TRICKLE_CLIENT_HELLO -> hello;
              default -> null;
            };
        if (source != null && a.sent < source.length) {
          try {
            a.out.write(source[a.sent++]);
            a.out.flush();
          } catch (IOException e) {
            // Closed by the server; the watcher records it.
          }
        }
      }
      if (!open) {
        return;
      }
      Hostile.sleep(TRICKLE_EVERY);
    }
  }

  private static void assertAudited(TestServer s, List<Attacker> attackers) {
    Map<String, String> expected = new HashMap<>();
    attackers.forEach(a -> expected.put(a.client, a.kind.closeReason));
    Hostile.awaitCount(
        s,
        "connection_closed",
        e -> expected.containsKey(e.path("client").asText()),
        attackers.size(),
        Duration.ofSeconds(10));
    Map<String, String> closeReasons = new HashMap<>();
    for (JsonNode e : s.auditEvents("connection_closed")) {
      closeReasons.put(e.path("client").asText(), e.path("reason").asText());
    }
    Map<String, String> handshakeReasons = new HashMap<>();
    for (JsonNode e : s.auditEvents("tls_handshake_failed")) {
      handshakeReasons.put(e.path("client").asText(), e.path("reason").asText());
    }
    for (Attacker a : attackers) {
      assertThat(closeReasons.get(a.client))
          .as("close reason of %s %s", a.kind, a.client)
          .isEqualTo(a.kind.closeReason);
      if (a.kind.closeReason.equals("tls_handshake_failed")) {
        assertThat(handshakeReasons.get(a.client))
            .as("handshake failure of %s", a.kind)
            .isEqualTo("handshake_timeout");
      }
    }
  }
}
