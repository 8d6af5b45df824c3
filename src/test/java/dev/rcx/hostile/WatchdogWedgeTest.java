package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: the watchdog used to close a timed-out TLS connection through {@code
 * SSLSocket.close()}, which during a handshake drains pending input and so blocks on the socket's
 * read lock, held by the handshaking thread. ClientHello bytes that arrived while the server was
 * busy (here: bogus logins, each an Argon2 run) were enough to wedge the watchdog, and from then on
 * no handshake, line or write deadline was enforced for anyone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchdogWedgeTest {
  private static final Duration HANDSHAKE = Duration.ofSeconds(1);
  private static final Duration LINE = Duration.ofSeconds(1);
  private static final Duration IDLE = Duration.ofSeconds(30);
  private static final Duration ATTACK = Duration.ofSeconds(3);

  @TempDir Path dir;

  @Test
  void handshakeBytesArrivingWhileServerIsBusy_watchdogKeepsDroppingEveryone() throws Exception {
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir).config(c -> Hostile.timeouts(c, HANDSHAKE, LINE, IDLE)))) {
      TestServer s = arena.server;
      byte[] hello = Hostile.clientHello(s.pinnedContext());
      List<Socket> tricklers = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> attack = new ArrayList<>();
      try {
        for (int i = 0; i < 60; i++) {
          tricklers.add(s.rawPlain());
        }
        attack.add(Thread.ofPlatform().start(() -> trickle(tricklers, hello, stop)));
        for (int k = 0; k < 3; k++) {
          int range = k;
          attack.add(Thread.ofPlatform().start(() -> bogusLogins(s, range, stop)));
        }
        Hostile.sleep(ATTACK);
        stop.set(true);
        for (Thread t : attack) {
          assertThat(t.join(Duration.ofSeconds(10))).isTrue();
        }
        // Connections that arrive after the attack must still be dropped at their own deadlines.
        try (Wire line = s.wire();
            Socket silent = s.rawPlain()) {
          line.write("{\"type\":");
          long start = System.nanoTime();
          assertThat(line.closedByPeer(Duration.ofSeconds(8)))
              .as("unfinished line dropped")
              .isTrue();
          assertThat(new Wire(silent).closedByPeer(Duration.ofSeconds(3)))
              .as("silent TCP dropped")
              .isTrue();
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LINE.plusSeconds(5));
        }
        for (Socket t : tricklers) {
          assertThat(new Wire(t).closedByPeer(Duration.ofSeconds(3)))
              .as("trickling handshake dropped")
              .isTrue();
        }
        arena.honest.awaitProgress();
      } finally {
        stop.set(true);
        tricklers.forEach(Hostile::closeQuietly);
      }
      arena.finish();
    }
  }

  /** One more ClientHello byte on every connection every 20 ms until told to stop; then silence. */
  private static void trickle(List<Socket> tricklers, byte[] hello, AtomicBoolean stop) {
    for (int i = 0; i < 1000 && !stop.get(); i++) {
      for (Socket t : tricklers) {
        try {
          OutputStream out = t.getOutputStream();
          out.write(hello[i % hello.length]);
          out.flush();
        } catch (IOException e) {
          // dropped by the server, as it should be
        }
      }
      Hostile.sleep(Duration.ofMillis(20));
    }
  }

  /**
   * Logins of unknown users, each costing the server an Argon2 run, from a fresh loopback address
   * every 8 attempts so the per-address back-off never refuses them without hashing.
   */
  private static void bogusLogins(TestServer s, int range, AtomicBoolean stop) {
    String hash = "0".repeat(64);
    for (int i = 0; i < 500 && !stop.get(); i++) {
      String from = "127.0." + (10 + range) + "." + (1 + i / 8);
      try (Wire w = Hostile.wireFrom(s, from)) {
        w.call(Hostile.auth("nobody" + i, hash));
      } catch (IOException e) {
        // The attack does not care about the answer.
      }
    }
  }
}
