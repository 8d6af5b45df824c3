package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing: against one user and across users from one address, sequentially and in
 * parallel. Guessing is slowed by exponential back-off (RATE_LIMITED with a growing {@code
 * retry_after_ms}, audited as {@code rate_limited}, no password check while blocked), and the
 * victim still logs in from another address: the attacker cannot lock the victim out. The server's
 * clock is moved by hand to let blocks pass.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BruteForceTest {
  private static final String ATTACKER = "127.0.0.2";
  private static final String VICTIM = "alice";
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;

  @Test
  void guessingOneUserFromOneAddress_backsOffExponentially_victimLogsInFromAnotherAddress()
      throws Exception {
    // Every rate_limited record is counted below: lift the per-address audit rate (DoorTest).
    try (Arena arena =
        Arena.open(
            TestServer.builder(dir)
                .config(
                    c -> {
                      var l = c.limits();
                      return c.withLimits(
                          l.withFairness(
                              l.authTimeout(),
                              l.maxConnectionsPerAddress(),
                              l.maxCommandsPerUser(),
                              Integer.MAX_VALUE));
                    }))) {
      TestServer s = arena.server;
      s.addUser(VICTIM, PASSWORD);
      List<Long> retries = new ArrayList<>();
      int checked = 0;
      int limited = 0;
      try (Wire attacker = Hostile.wireFrom(s, ATTACKER)) {
        String client = Hostile.clientName(attacker.socket());
        for (int guess = 0; guess < 40 && retries.size() < 12; guess++) {
          JsonNode r = attacker.call(guess(VICTIM, "guess-" + guess));
          switch (r.path("code").asText()) {
            case "AUTH_FAILED" -> checked++;
            case "RATE_LIMITED" -> {
              limited++;
              long retry = r.path("retry_after_ms").asLong();
              retries.add(retry);
              // Hammering while blocked changes nothing: same wait (the clock has not moved), still
              // no password check.
              for (int i = 0; i < 3; i++) {
                JsonNode again = attacker.call(guess(VICTIM, "again"));
                assertThat(again.path("code").asText()).isEqualTo("RATE_LIMITED");
                assertThat(again.path("retry_after_ms").asLong()).isEqualTo(retry);
                limited++;
              }
              // Even the right password is refused while blocked: the block is not a hint.
              assertThat(attacker.call(guess(VICTIM, PASSWORD)).path("code").asText())
                  .isEqualTo("RATE_LIMITED");
              limited++;
              s.clock().advance(Duration.ofMillis(retry));
              arena.honest.awaitProgress(1, Duration.ofSeconds(10));
            }
            default -> throw new AssertionError("unexpected reply to a wrong password: " + r);
          }
        }
        System.out.println(
            "BRUTE-FORCE one user: " + checked + " password checks, retry_after_ms " + retries);
        assertThat(retries)
            .as("retry_after_ms after each blocked guess")
            .hasSizeGreaterThanOrEqualTo(10);
        for (int i = 1; i < retries.size(); i++) {
          long expected = Math.min(2 * retries.get(i - 1), Duration.ofMinutes(5).toMillis());
          assertThat(retries.get(i))
              .as("retry %d doubles up to the 5 min cap", i)
              .isEqualTo(expected);
        }
        assertThat(retries.getFirst()).isEqualTo(1000);
        // Three free failures, then one checked guess per block.
        assertThat(checked).isEqualTo(3 + retries.size());
        assertThat(Hostile.count(s, "auth_failed", Hostile.field("client", client)))
            .isEqualTo(checked);
        List<Long> audited =
            s.auditEvents("rate_limited").stream()
                .filter(e -> client.equals(e.path("client").asText()))
                .map(e -> e.path("retry_after_ms").asLong())
                .toList();
        assertThat(audited).hasSize(limited);
        assertThat(audited).containsAll(retries);
      }
      // The victim, from another address, is not locked out: no clock advance needed.
      try (RcxClient victim = s.loggedIn(VICTIM, PASSWORD)) {
        assertThat(victim.exec("echo", List.of("mine")))
            .isInstanceOf(dev.rcx.protocol.Response.CommandOutput.class);
      }
      // A third address gets an honest answer for a wrong password, not a block.
      try (Wire other = Hostile.wireFrom(s, "127.0.0.3")) {
        assertThat(other.call(guess(VICTIM, "typo")).path("code").asText())
            .isEqualTo("AUTH_FAILED");
      }
      arena.finish();
    }
  }

  @Test
  void guessingAcrossUsersFromOneAddress_backsOff_realUsersLogInFromAnotherAddress()
      throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir))) {
      TestServer s = arena.server;
      s.addUser(VICTIM, PASSWORD).addUser("bob", "bobs password");
      List<Long> retries = new ArrayList<>();
      int checked = 0;
      try (Wire attacker = Hostile.wireFrom(s, ATTACKER)) {
        for (int i = 0; i < 60 && retries.size() < 6; i++) {
          String user =
              switch (i % 4) {
                case 0 -> VICTIM;
                case 1 -> "bob";
                default -> "user" + i;
              };
          JsonNode r = attacker.call(guess(user, "guess-" + i));
          switch (r.path("code").asText()) {
            case "AUTH_FAILED" -> checked++;
            case "RATE_LIMITED" -> {
              retries.add(r.path("retry_after_ms").asLong());
              // Blocked for every user, the real password of another user included.
              assertThat(attacker.call(guess("bob", "bobs password")).path("code").asText())
                  .isEqualTo("RATE_LIMITED");
              s.clock().advance(Duration.ofMillis(r.path("retry_after_ms").asLong()));
            }
            default -> throw new AssertionError("unexpected reply to a wrong password: " + r);
          }
        }
      }
      System.out.println(
          "BRUTE-FORCE across users: " + checked + " password checks, retry_after_ms " + retries);
      assertThat(retries).hasSizeGreaterThanOrEqualTo(6);
      for (int i = 1; i < retries.size(); i++) {
        assertThat(retries.get(i)).as("retry %d grows", i).isGreaterThan(retries.get(i - 1));
      }
      // Ten free failures per address, then one checked guess per block.
      assertThat(checked).isEqualTo(10 + retries.size());
      assertThat(
              Hostile.count(
                  s, "rate_limited", e -> e.path("client").asText().startsWith(ATTACKER + ":")))
          .isGreaterThanOrEqualTo(2L * retries.size());
      try (RcxClient bob = s.loggedIn("bob", "bobs password");
          RcxClient alice = s.loggedIn(VICTIM, PASSWORD)) {
        assertThat(bob.token()).isNotEqualTo(alice.token());
      }
      arena.honest.awaitProgress();
      arena.finish();
    }
  }

  /**
   * Forty wrong guesses sent at the same moment on forty connections: concurrency must not buy
   * extra password checks beyond what the same guesses in sequence would get (three free failures
   * and the one that starts the block).
   */
  @Test
  void parallelGuessesFromOneAddress_noMorePasswordChecksThanSequential() throws Exception {
    try (Arena arena = Arena.open(TestServer.builder(dir))) {
      TestServer s = arena.server;
      s.addUser(VICTIM, PASSWORD);
      int parallel = 40;
      List<Wire> wires = new ArrayList<>();
      try {
        for (int i = 0; i < parallel; i++) {
          wires.add(Hostile.wireFrom(s, ATTACKER));
        }
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
          Wire w = wires.get(i);
          String line = guess(VICTIM, "parallel-" + i);
          threads.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          go.await();
                          String code = w.call(line).path("code").asText();
                          (code.equals("AUTH_FAILED") ? checked : limited).incrementAndGet();
                        } catch (IOException | InterruptedException e) {
                          throw new AssertionError(e);
                        }
                      }));
        }
        go.countDown();
        for (Thread t : threads) {
          assertThat(t.join(Duration.ofSeconds(30))).isTrue();
        }
        System.out.println(
            "BRUTE-FORCE parallel: "
                + parallel
                + " simultaneous guesses, "
                + checked.get()
                + " password checks, "
                + limited.get()
                + " rate limited");
        assertThat(checked.get() + limited.get()).isEqualTo(parallel);
        assertThat(checked.get())
            .as("password checks granted to %d simultaneous guesses", parallel)
            .isLessThanOrEqualTo(4);
      } finally {
        wires.forEach(Hostile::closeQuietly);
      }
      try (RcxClient victim = s.loggedIn(VICTIM, PASSWORD)) {
        assertThat(victim.token()).isNotNull();
      }
      arena.honest.awaitProgress();
      arena.finish();
    }
  }

  private static String guess(String user, String password) {
    return Hostile.auth(user, RcxClient.sha256Hex(password.toCharArray()));
  }
}
