package dev.rcx.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {
  private static final String A = "192.0.2.1";
  private static final String B = "198.51.100.7";

  @TempDir Path dir;

  private final TestClock clock = new TestClock(TestClock.FIXED_START);
  private final PasswordHasher hasher = Fixtures.cheapHasher();
  private final LoginThrottle throttle = new LoginThrottle(clock);
  private Authenticator auth;

  @BeforeEach
  void setUp() throws IOException {
    UserStore users = UserStore.open(dir.resolve("users.json"), hasher);
    users.add("alice", "right".toCharArray(), Set.of("ops"));
    auth = new Authenticator(users, hasher, throttle);
  }

  @Test
  void authenticate_rightPassword_success() throws IOException {
    AuthOutcome outcome = auth.authenticate("alice", Fixtures.proof("right"), A);

    assertThat(outcome)
        .isInstanceOfSatisfying(
            AuthOutcome.Success.class, s -> assertThat(s.user().roles()).containsExactly("ops"));
  }

  @Test
  void authenticate_wrongPassword_badPassword() throws IOException {
    assertThat(auth.authenticate("alice", Fixtures.proof("wrong"), A))
        .isEqualTo(new AuthOutcome.Failure("bad_password"));
  }

  @Test
  void authenticate_unknownOrInvalidName_unknownUser() throws IOException {
    assertThat(auth.authenticate("bob", Fixtures.proof("right"), A))
        .isEqualTo(new AuthOutcome.Failure("unknown_user"));
    assertThat(
            auth.authenticate("Alice; rm -rf /" + "x".repeat(10_000), Fixtures.proof("right"), A))
        .isEqualTo(new AuthOutcome.Failure("unknown_user"));
  }

  @Test
  void authenticate_proofNotSha256Hex_malformedHash() throws IOException {
    assertThat(auth.authenticate("alice", "right", A))
        .isEqualTo(new AuthOutcome.Failure("malformed_hash"));
    assertThat(auth.authenticate("alice", Fixtures.proof("right").toUpperCase(Locale.ROOT), A))
        .isEqualTo(new AuthOutcome.Failure("malformed_hash"));
  }

  @Test
  @Timeout(20)
  void authenticate_unknownUser_stillRunsArgon2() throws Exception {
    hasher.slots().acquire(2);
    Fixtures.Running<AuthOutcome> running;
    try {
      running = Fixtures.start(() -> auth.authenticate("bob", Fixtures.proof("x"), A));
      Fixtures.awaitParked(running.thread());
      assertThat(running.result()).as("waits for a hashing slot").isNotDone();
    } finally {
      hasher.slots().release(2);
    }
    assertThat(running.join()).isEqualTo(new AuthOutcome.Failure("unknown_user"));
  }

  @Test
  @Timeout(20)
  void authenticate_whileThrottled_refusedWithoutHashingEvenWithRightPassword() throws Exception {
    for (int i = 0; i < 3; i++) {
      auth.authenticate("alice", Fixtures.proof("wrong" + i), A);
    }
    assertThat(auth.authenticate("alice", Fixtures.proof("wrong"), A))
        .isInstanceOf(AuthOutcome.Failure.class);

    hasher.slots().acquire(2); // any attempt to hash would now block until the timeout
    try {
      assertThat(auth.authenticate("alice", Fixtures.proof("right"), A))
          .isEqualTo(new AuthOutcome.Throttled(Duration.ofSeconds(1)));
    } finally {
      hasher.slots().release(2);
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(auth.authenticate("alice", Fixtures.proof("right"), A))
        .isInstanceOf(AuthOutcome.Success.class);
  }

  @Test
  void authenticate_attackerThrottledOnOneAddress_victimSucceedsFromAnother() throws IOException {
    for (int i = 0; i < 12; i++) {
      auth.authenticate("alice", Fixtures.proof("guess" + i), A);
    }
    assertThat(auth.authenticate("alice", Fixtures.proof("right"), A))
        .isInstanceOf(AuthOutcome.Throttled.class);

    assertThat(auth.authenticate("alice", Fixtures.proof("right"), B))
        .isInstanceOf(AuthOutcome.Success.class);
  }

  @Test
  void authenticate_success_resetsThatUsersFailureCount() throws IOException {
    for (int i = 0; i < 3; i++) {
      auth.authenticate("alice", Fixtures.proof("typo"), A);
    }
    auth.authenticate("alice", Fixtures.proof("right"), A);

    assertThat(auth.authenticate("alice", Fixtures.proof("typo"), A))
        .isInstanceOf(AuthOutcome.Failure.class);
    assertThat(auth.authenticate("alice", Fixtures.proof("right"), A))
        .isInstanceOf(AuthOutcome.Success.class);
  }
}
