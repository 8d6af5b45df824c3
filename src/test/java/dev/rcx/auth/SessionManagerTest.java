package dev.rcx.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.testing.TestClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionManagerTest {
  private static final String A = "192.0.2.1";
  private static final String B = "198.51.100.7";
  private static final User ALICE = new User("alice", "$argon2id$unused", Set.of("ops"));
  private static final User BOB = new User("bob", "$argon2id$unused", Set.of());

  private final TestClock clock = new TestClock(TestClock.FIXED_START);

  private SessionManager manager(int max, boolean bind) {
    return new SessionManager(
        clock,
        new SecureRandom(),
        new SessionManager.Options(
            Duration.ofMinutes(15), Duration.ofHours(8), Duration.ofHours(8), max, bind));
  }

  private final SessionManager sessions = manager(100, false);

  @Test
  void create_issuesUnguessableTokenAndLoggableId() {
    NewSession created = sessions.create(ALICE, A);

    assertThat(created.token()).matches("[A-Za-z0-9_-]{43}");
    assertThat(created.session().id()).matches("[0-9a-f]{12}");
    assertThat(created.session().user()).isEqualTo("alice");
    assertThat(created.session().roles()).containsExactly("ops");
    assertThat(created.session().created()).isEqualTo(clock.instant());
    assertThat(created.session().clientIp()).isEqualTo(A);
    assertThat(created.toString()).doesNotContain(created.token()).contains("<redacted>");
    assertThat(created.session().toString()).doesNotContain(created.token());
  }

  @Test
  void create_manyTimes_tokensAndIdsDistinct() {
    var tokens = new HashSet<String>();
    var ids = new HashSet<String>();
    for (int i = 0; i < 50; i++) {
      NewSession s = sessions.create(ALICE, A);
      tokens.add(s.token());
      ids.add(s.session().id());
    }

    assertThat(tokens).hasSize(50);
    assertThat(ids).hasSize(50);
  }

  @Test
  void check_freshToken_validFromAnyAddress() {
    NewSession created = sessions.create(ALICE, A);

    assertThat(sessions.check(created.token(), A))
        .isEqualTo(new TokenCheck.Valid(created.session()));
    assertThat(sessions.check(created.token(), B))
        .isEqualTo(new TokenCheck.Valid(created.session()));
    assertThat(sessions.active()).isEqualTo(1);
  }

  @Test
  void check_unknownOrMalformedToken_unknown() {
    sessions.create(ALICE, A);
    String other = sessions.create(BOB, A).token();
    String flipped = (other.charAt(0) == 'A' ? "B" : "A") + other.substring(1);

    assertThat(sessions.check(flipped, A)).isEqualTo(new TokenCheck.Unknown());
    assertThat(sessions.check("", A)).isEqualTo(new TokenCheck.Unknown());
    assertThat(sessions.check(null, A)).isEqualTo(new TokenCheck.Unknown());
    assertThat(sessions.check(other + "=", A)).isEqualTo(new TokenCheck.Unknown());
    assertThat(sessions.check("!".repeat(43), A)).isEqualTo(new TokenCheck.Unknown());
  }

  @Test
  void check_afterIdleTimeout_expired() {
    NewSession created = sessions.create(ALICE, A);
    clock.advance(Duration.ofMinutes(15).minusNanos(1));
    assertThat(sessions.check(created.token(), A)).isInstanceOf(TokenCheck.Valid.class);

    clock.advance(Duration.ofMinutes(15));

    assertThat(sessions.check(created.token(), A))
        .isEqualTo(new TokenCheck.Expired(created.session()));
    assertThat(sessions.active()).isZero();
  }

  @Test
  void check_validUse_restartsIdleTimer() {
    NewSession created = sessions.create(ALICE, A);
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofMinutes(14));
      assertThat(sessions.check(created.token(), A))
          .as("check %d", i)
          .isInstanceOf(TokenCheck.Valid.class);
    }
  }

  @Test
  void check_pastAbsoluteLifetime_expiredDespiteActivity() {
    NewSession created = sessions.create(ALICE, A);
    for (int i = 0; i < 47; i++) {
      clock.advance(Duration.ofMinutes(10));
      assertThat(sessions.check(created.token(), A)).isInstanceOf(TokenCheck.Valid.class);
    }
    clock.advance(Duration.ofMinutes(10));
    assertThat(clock.instant()).isEqualTo(created.session().created().plus(Duration.ofHours(8)));

    assertThat(sessions.check(created.token(), A))
        .isEqualTo(new TokenCheck.Expired(created.session()));
  }

  @Test
  void check_expiredTokenUsedAgain_staysExpiredUntilTombstonePurged() {
    NewSession created = sessions.create(ALICE, A);
    clock.advance(Duration.ofMinutes(20));
    assertThat(sessions.check(created.token(), A)).isInstanceOf(TokenCheck.Expired.class);

    clock.advance(Duration.ofHours(8).minusMinutes(5).minusNanos(1));
    assertThat(sessions.purge()).isZero();
    assertThat(sessions.check(created.token(), A)).isInstanceOf(TokenCheck.Expired.class);

    clock.advance(Duration.ofNanos(1));
    assertThat(sessions.purge()).isEqualTo(1);
    assertThat(sessions.check(created.token(), A)).isEqualTo(new TokenCheck.Unknown());
  }

  @Test
  void revoke_liveToken_thenUnknown() {
    NewSession created = sessions.create(ALICE, A);

    assertThat(sessions.revoke(created.token())).isTrue();
    assertThat(sessions.check(created.token(), A)).isEqualTo(new TokenCheck.Unknown());
    assertThat(sessions.revoke(created.token())).isFalse();
    assertThat(sessions.revoke("garbage")).isFalse();
    assertThat(sessions.active()).isZero();
  }

  @Test
  void revoke_expiredToken_falseAndForgotten() {
    NewSession created = sessions.create(ALICE, A);
    clock.advance(Duration.ofHours(1));

    assertThat(sessions.revoke(created.token())).isFalse();
    assertThat(sessions.check(created.token(), A)).isEqualTo(new TokenCheck.Unknown());
  }

  @Test
  void revokeUser_dropsOnlyThatUsersSessions() {
    NewSession a1 = sessions.create(ALICE, A);
    NewSession a2 = sessions.create(ALICE, B);
    NewSession b = sessions.create(BOB, A);

    assertThat(sessions.revokeUser("alice")).isEqualTo(2);

    assertThat(sessions.check(a1.token(), A)).isEqualTo(new TokenCheck.Unknown());
    assertThat(sessions.check(a2.token(), B)).isEqualTo(new TokenCheck.Unknown());
    assertThat(sessions.check(b.token(), A)).isInstanceOf(TokenCheck.Valid.class);
  }

  @Test
  void check_boundSessionFromOtherAddress_wrongAddressAndIdleTimerNotTouched() {
    SessionManager bound = manager(10, true);
    NewSession created = bound.create(ALICE, A);
    clock.advance(Duration.ofMinutes(10));

    assertThat(bound.check(created.token(), B))
        .isEqualTo(new TokenCheck.WrongAddress(created.session()));
    clock.advance(Duration.ofMinutes(6));
    assertThat(bound.check(created.token(), A)).isInstanceOf(TokenCheck.Expired.class);
  }

  @Test
  void check_boundSessionFromSameAddress_valid() {
    SessionManager bound = manager(10, true);
    NewSession created = bound.create(ALICE, A);

    assertThat(bound.check(created.token(), A)).isInstanceOf(TokenCheck.Valid.class);
  }

  @Test
  void create_atLiveLimit_refused() {
    SessionManager small = manager(2, false);
    small.create(ALICE, A);
    small.create(BOB, A);

    assertThatThrownBy(() -> small.create(ALICE, B))
        .isInstanceOf(SessionLimitException.class)
        .hasMessage("session limit reached: maxSessions=2 live sessions exist");
  }

  @Test
  void create_atLimitWithTombstones_evictsOldestTombstone() {
    SessionManager small = manager(2, false);
    NewSession old = small.create(ALICE, A);
    clock.advance(Duration.ofMinutes(5));
    NewSession live = small.create(BOB, A);
    clock.advance(Duration.ofMinutes(11)); // old is idle-expired, live is not

    NewSession fresh = small.create(ALICE, B);

    assertThat(small.check(old.token(), A)).isEqualTo(new TokenCheck.Unknown());
    assertThat(small.check(live.token(), A)).isInstanceOf(TokenCheck.Valid.class);
    assertThat(small.check(fresh.token(), B)).isInstanceOf(TokenCheck.Valid.class);
    assertThat(small.size()).isEqualTo(2);
  }

  @Test
  void options_invalid_rejectedNamingTheValue() {
    Duration m = Duration.ofMinutes(1);
    assertThatThrownBy(() -> new SessionManager.Options(Duration.ZERO, m, m, 1, false))
        .hasMessage("idleTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> new SessionManager.Options(m, m, m.negated(), 1, false))
        .hasMessage("tombstoneRetention must be >= 0 but was PT-1M");
    assertThatThrownBy(() -> new SessionManager.Options(m, m, m, 0, false))
        .hasMessage("maxSessions must be at least 1 but was 0");
  }
}
