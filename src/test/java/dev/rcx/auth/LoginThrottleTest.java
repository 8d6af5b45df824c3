package dev.rcx.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.testing.TestClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private static final String A = "192.0.2.1";
  private static final String B = "198.51.100.7";

  private final TestClock clock = new TestClock(TestClock.FIXED_START);
  private final LoginThrottle throttle = new LoginThrottle(clock);

  private void fail(String user, String ip, int times) {
    for (int i = 0; i < times; i++) {
      throttle.recordFailure(user, ip);
    }
  }

  @Test
  void retryAfter_withinFreeFailures_notBlocked() {
    fail("alice", A, 3);

    assertThat(throttle.retryAfter("alice", A)).isEmpty();
  }

  @Test
  void retryAfter_afterFreeFailures_doublesFromOneSecondToFiveMinutes() {
    fail("alice", A, 3);
    long[] expectedSeconds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
    for (long expected : expectedSeconds) {
      throttle.recordFailure("alice", A);
      assertThat(throttle.retryAfter("alice", A)).contains(Duration.ofSeconds(expected));
      clock.advance(Duration.ofSeconds(expected));
      assertThat(throttle.retryAfter("alice", A)).isEmpty();
    }
  }

  @Test
  void retryAfter_whileBlocked_countsDownAndRefusalsDoNotExtendIt() {
    fail("alice", A, 5);
    assertThat(throttle.retryAfter("alice", A)).contains(Duration.ofSeconds(2));

    clock.advance(Duration.ofMillis(1500));
    assertThat(throttle.retryAfter("alice", A)).contains(Duration.ofMillis(500));
    assertThat(throttle.retryAfter("alice", A)).contains(Duration.ofMillis(500));
    clock.advance(Duration.ofMillis(500));
    assertThat(throttle.retryAfter("alice", A)).isEmpty();
  }

  @Test
  void retryAfter_attackerBlockedOnOneAddress_victimFromAnotherAddressAllowed() {
    fail("alice", A, 40);

    assertThat(throttle.retryAfter("alice", A)).isPresent();
    assertThat(throttle.retryAfter("alice", B)).isEmpty();
    assertThat(throttle.retryAfter("bob", B)).isEmpty();
  }

  @Test
  void retryAfter_manyUsersFromOneAddress_blocksThatAddressForEveryUser() {
    for (int i = 0; i < 11; i++) {
      throttle.recordFailure("user" + i, A);
    }

    assertThat(throttle.retryAfter("fresh", A)).contains(Duration.ofSeconds(1));
    assertThat(throttle.retryAfter("fresh", B)).isEmpty();
  }

  @Test
  void recordSuccess_clearsUserAtAddressButNotTheAddressCount() {
    fail("alice", A, 5);
    clock.advance(Duration.ofMinutes(1));
    throttle.recordSuccess("alice", A);

    throttle.recordFailure("alice", A);
    assertThat(throttle.retryAfter("alice", A)).as("per-user count restarted").isEmpty();

    fail("mallory", A, 4);
    // 5 + 1 + 4 = 10 address failures are still free; the 11th is not.
    assertThat(throttle.retryAfter("someone", A)).isEmpty();
    throttle.recordFailure("carol", A);
    assertThat(throttle.retryAfter("someone", A)).contains(Duration.ofSeconds(1));
  }

  @Test
  void failures_olderThanForgetAfter_areForgotten() {
    fail("alice", A, 8);
    clock.advance(Duration.ofHours(1));

    throttle.recordFailure("alice", A);
    assertThat(throttle.retryAfter("alice", A)).isEmpty();
    assertThat(throttle.sizes()).containsExactly(1, 1);
  }

  @Test
  void tables_randomUsernames_cappedAtMaxEntries() {
    var small =
        new LoginThrottle(
            clock,
            new LoginThrottle.Options(
                3, 10, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1), 100));
    for (int i = 0; i < 1_000; i++) {
      small.recordFailure("user" + i, "10.0." + (i / 256) + "." + (i % 256));
    }

    assertThat(small.sizes()).containsExactly(100, 100);
  }

  @Test
  void tables_atCap_evictOldestKeepNewest() {
    var small =
        new LoginThrottle(
            clock,
            new LoginThrottle.Options(
                0, 100, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(1), 3));
    small.recordFailure("old", A);
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMillis(1));
      small.recordFailure("new" + i, A);
    }

    assertThat(small.retryAfter("old", A)).isEmpty();
    assertThat(small.retryAfter("new2", A)).map(Duration::toMillis).contains(10_000L);
  }

  @Test
  void options_invalid_rejectedNamingTheValue() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new LoginThrottle.Options(-1, 10, s, s, s, 1))
        .hasMessageContaining("-1 per user");
    assertThatThrownBy(() -> new LoginThrottle.Options(3, 10, Duration.ZERO, s, s, 1))
        .hasMessage("baseDelay must be positive but was PT0S");
    assertThatThrownBy(
            () ->
                new LoginThrottle.Options(
                    3, 10, s, Duration.ofMinutes(5), Duration.ofMinutes(1), 1))
        .hasMessage("forgetAfter must be at least maxDelay (PT5M) but was PT1M");
    assertThatThrownBy(() -> new LoginThrottle.Options(3, 10, s, s, s, 0))
        .hasMessage("maxEntries must be at least 1 but was 0");
  }

  @Test
  void retryAfter_unknownKeys_empty() {
    assertThat(throttle.retryAfter("nobody", A)).isEqualTo(Optional.empty());
  }
}
