package dev.rcx.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateLoginTest {
  private static final String IP = "192.0.2.1";

  @TempDir Path dir;

  private final TestClock clock = new TestClock(TestClock.FIXED_START);
  private final PasswordHasher hasher = Fixtures.cheapHasher();
  private final LoginThrottle throttle = new LoginThrottle(clock);
  private Authenticator auth;

  @BeforeEach
  void setUp() throws IOException {
    UserStore users = UserStore.open(dir.resolve("users.json"), hasher);
    users.add("alice", "right".toCharArray(), Set.of("ops"));
    users.add("bob", "bobs".toCharArray(), Set.of());
    auth = new Authenticator(users, hasher, throttle);
  }

  @Test
  void certificateLogin_certificateForTheUserNoPassword_success() throws IOException {
    assertThat(auth.authenticateWithCertificate("alice", null, "alice", IP))
        .isInstanceOfSatisfying(
            AuthOutcome.Success.class, s -> assertThat(s.user().name()).isEqualTo("alice"));
  }

  @Test
  void certificateLogin_certificateForAnotherUser_mismatchEvenWithTheRightPassword()
      throws IOException {
    assertThat(auth.authenticateWithCertificate("bob", null, "alice", IP))
        .isEqualTo(new AuthOutcome.Failure(AuthOutcome.Failure.CERTIFICATE_MISMATCH));
    assertThat(auth.authenticateWithCertificate("bob", Fixtures.proof("bobs"), "alice", IP))
        .isEqualTo(new AuthOutcome.Failure(AuthOutcome.Failure.CERTIFICATE_MISMATCH));
  }

  @Test
  void certificateLogin_withPassword_bothMustBeRight() throws IOException {
    assertThat(auth.authenticateWithCertificate("alice", Fixtures.proof("right"), "alice", IP))
        .isInstanceOf(AuthOutcome.Success.class);
    assertThat(auth.authenticateWithCertificate("alice", Fixtures.proof("wrong"), "alice", IP))
        .isEqualTo(new AuthOutcome.Failure(AuthOutcome.Failure.BAD_PASSWORD));
  }

  @Test
  void certificateLogin_userNotInUsersFile_unknownUser() throws IOException {
    assertThat(auth.authenticateWithCertificate("carol", null, "carol", IP))
        .isEqualTo(new AuthOutcome.Failure(AuthOutcome.Failure.UNKNOWN_USER));
    assertThat(auth.authenticateWithCertificate("carol@example.com", null, "carol@example.com", IP))
        .isEqualTo(new AuthOutcome.Failure(AuthOutcome.Failure.UNKNOWN_USER));
  }

  @Test
  void certificateLogin_addressBlockedByPasswordGuessing_stillLogsIn() throws IOException {
    for (int i = 0;
        i < 20
            && !(auth.authenticate("alice", Fixtures.proof("guess" + i), IP)
                instanceof AuthOutcome.Throttled);
        i++) {
      // Guess until the throttle blocks this address.
    }
    assertThat(auth.authenticate("alice", Fixtures.proof("right"), IP))
        .isInstanceOf(AuthOutcome.Throttled.class);
    assertThat(auth.authenticateWithCertificate("alice", null, "alice", IP))
        .isInstanceOf(AuthOutcome.Success.class);
  }
}
