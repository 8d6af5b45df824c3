package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stolen and guessed session tokens: a token is useless after logout, after expiry (idle and
 * absolute, on the server's clock) and, with {@code sessions.bind_to_address}, from another client
 * address; thousands of random guesses all get INVALID_TOKEN, are each audited without the guess
 * itself, and do not slow the honest client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenTest {
  private static final String THIEF = "127.0.0.9";

  @TempDir Path dir;

  @Test
  void tokenAfterLogout_invalidEverywhere() throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "tina", "pw");
      try (RcxClient c = s.client()) {
        c.useToken(token);
        assertThat(c.exec("echo", List.of("before"))).isInstanceOf(Response.CommandOutput.class);
        assertThat(c.logout()).isInstanceOf(Response.LogoutResponse.class);
        c.useToken(token);
        assertThat(code(c.exec("echo", List.of("same connection")))).isEqualTo("INVALID_TOKEN");
      }
      try (Wire thief = Hostile.wireFrom(s, THIEF)) {
        assertThat(thief.call(Hostile.command(token, "echo stolen")).path("code").asText())
            .isEqualTo("INVALID_TOKEN");
        assertThat(thief.call(logout(token)).path("code").asText()).isEqualTo("INVALID_TOKEN");
      }
      assertThat(Hostile.count(s, "logged_out", Hostile.field("user", "tina"))).isEqualTo(1);
      assertThat(Hostile.count(s, "token_rejected", Hostile.field("code", "INVALID_TOKEN")))
          .isEqualTo(3);
      arena.finish();
    }
  }

  @Test
  void tokenPastIdleTimeoutOrLifetime_expired() throws Exception {
    Duration idle = Duration.ofMinutes(15);
    Duration lifetime = Duration.ofHours(1);
    Duration step = Duration.ofMinutes(5);
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .config(
                    c -> c.withSessions(new ServerConfig.Sessions(idle, lifetime, false, 10_000))),
            HonestClient.Options.defaults().withReloginOnExpiry())) {
      TestServer s = arena.server;
      String idler = Hostile.token(s, "idler", "pw");
      String busy = Hostile.token(s, "busy", "pw");
      try (Wire w = s.wire()) {
        // Move the clock in steps shorter than the idle timeout, using one token at each step and
        // not the other.
        for (Duration moved = Duration.ZERO;
            moved.compareTo(lifetime) <= 0;
            moved = moved.plus(step)) {
          s.clock().advance(step);
          arena.honest.awaitProgress(1, Duration.ofSeconds(10));
          JsonNode used = w.call(Hostile.command(busy, "echo still"));
          if (moved.plus(step).compareTo(lifetime) < 0) {
            assertThat(used.path("status").asText())
                .as("busy token after %s", moved.plus(step))
                .isEqualTo("success");
          } else {
            assertThat(used.path("code").asText())
                .as("busy token at its lifetime")
                .isEqualTo("TOKEN_EXPIRED");
          }
          if (moved.plus(step).compareTo(idle) >= 0) {
            assertThat(w.call(Hostile.command(idler, "echo idle")).path("code").asText())
                .as("idle token after %s", moved.plus(step))
                .isEqualTo("TOKEN_EXPIRED");
          }
        }
      }
      assertThat(s.auditEvents("token_rejected"))
          .anySatisfy(
              e -> {
                assertThat(e.path("code").asText()).isEqualTo("TOKEN_EXPIRED");
                assertThat(e.path("user").asText()).isEqualTo("idler");
              });
      assertThat(s.auditEvents("token_rejected"))
          .anySatisfy(
              e -> {
                assertThat(e.path("code").asText()).isEqualTo("TOKEN_EXPIRED");
                assertThat(e.path("user").asText()).isEqualTo("busy");
              });
      // The honest client's own session reached its lifetime too: it logged in again, as a real
      // client would.
      assertThat(arena.honest.relogins()).isEqualTo(1);
      arena.finish();
    }
  }

  @Test
  void boundTokenFromAnotherAddress_invalidAndAudited_ownerUnaffected() throws Exception {
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .config(
                    c ->
                        c.withSessions(
                            new ServerConfig.Sessions(
                                Duration.ofMinutes(15), Duration.ofHours(8), true, 10_000))))) {
      TestServer s = arena.server;
      s.addUser("owner", "pw");
      try (RcxClient owner = s.loggedIn("owner", "pw");
          Wire thief = Hostile.wireFrom(s, THIEF)) {
        String token = owner.token();
        JsonNode stolen = thief.call(Hostile.command(token, "echo stolen"));
        assertThat(stolen.path("code").asText()).isEqualTo("INVALID_TOKEN");
        assertThat(thief.call(logout(token)).path("code").asText()).isEqualTo("INVALID_TOKEN");
        JsonNode audit =
            s.awaitAudit("token_rejected", e -> e.path("client").asText().startsWith(THIEF + ":"));
        assertThat(audit.path("user").asText()).isEqualTo("owner");
        assertThat(audit.path("code").asText()).isEqualTo("INVALID_TOKEN");
        // The owner, from the address that logged in, is unaffected (the thief could not even log
        // it out).
        Response r = owner.exec("echo", List.of("mine"));
        assertThat(r).isInstanceOf(Response.CommandOutput.class);
      }
      arena.finish();
    }
  }

  @Test
  void thousandsOfRandomTokenGuesses_allInvalid_auditedWithoutTheGuess_honestClientUnharmed()
      throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir).config(Hostile::everyRecord))) {
      TestServer s = arena.server;
      String real = Hostile.token(s, "victim", "pw");
      SecureRandom random = new SecureRandom();
      int connections = 3;
      int perConnection = 1000;
      List<List<String>> guesses = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        List<String> g = new ArrayList<>();
        for (int i = 0; i < perConnection; i++) {
          byte[] raw = new byte[32];
          random.nextBytes(raw);
          g.add(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
        }
        guesses.add(g);
      }
      // Near misses of the real token, and junk.
      guesses
          .getFirst()
          .set(0, real.substring(0, real.length() - 1) + (real.endsWith("A") ? "B" : "A"));
      guesses
          .getFirst()
          .set(
              1,
              real.toUpperCase(Locale.ROOT).equals(real)
                  ? real + "x"
                  : real.toUpperCase(Locale.ROOT));
      guesses.getFirst().set(2, real + " ");
      guesses.getFirst().set(3, "");
      guesses.getFirst().set(4, "a".repeat(256));
      List<Thread> attackers = new ArrayList<>();
      List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
      long start = System.nanoTime();
      for (List<String> g : guesses) {
        attackers.add(Thread.ofPlatform().start(() -> guess(s, g, unexpected)));
      }
      arena.honest.awaitProgress();
      for (Thread t : attackers) {
        assertThat(t.join(Duration.ofSeconds(40))).as("guessing finished").isTrue();
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      int total = connections * perConnection;
      System.out.printf(
          "TOKEN-GUESSES: %d guesses on %d connections in %d ms, all INVALID_TOKEN%n",
          total, connections, millis);
      assertThat(unexpected).isEmpty();
      Hostile.awaitCount(
          s,
          "token_rejected",
          e -> e.path("client").asText().startsWith(THIEF + ":"),
          total,
          Duration.ofSeconds(10));
      String log = Files.readString(s.auditFile(), StandardCharsets.UTF_8);
      for (List<String> g : guesses) {
        for (String guess : g) {
          if (guess.length() >= 16) {
            assertThat(log.contains(guess)).as("audit log contains a guessed token").isFalse();
          }
        }
      }
      assertThat(log).doesNotContain(real);
      // The real token still works: guessing around it revoked nothing.
      try (Wire w = s.wire()) {
        assertThat(w.call(Hostile.command(real, "echo mine")).path("status").asText())
            .isEqualTo("success");
      }
      arena.finish();
    }
  }

  /**
   * Sends every guess pipelined on one connection from the thief's address and reads all the
   * answers.
   */
  private static void guess(TestServer s, List<String> guesses, List<String> unexpected) {
    try (Hostile.Tls t = Hostile.tls(s, THIEF);
        Wire w = new Wire(t.ssl())) {
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      OutputStream out =
                          new BufferedOutputStream(t.ssl().getOutputStream(), 16 * 1024);
                      for (int i = 0; i < guesses.size(); i++) {
                        out.write(
                            (Hostile.command(guesses.get(i), "echo pwned", "g" + i) + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                      }
                      out.flush();
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      for (int i = 0; i < guesses.size(); i++) {
        JsonNode r = w.readJson();
        if (!r.path("code").asText().equals("INVALID_TOKEN")
            || !r.path("id").asText().equals("g" + i)) {
          unexpected.add(i + ": " + r);
        }
      }
      writer.join(Duration.ofSeconds(10));
    } catch (IOException | InterruptedException e) {
      unexpected.add("guessing connection failed: " + e);
    }
  }

  private static String logout(String token) {
    return Hostile.object("logout").put("session_token", token).toString();
  }

  private static String code(Response r) {
    return r instanceof Response.Error e ? e.code().name() : r.getClass().getSimpleName();
  }
}
