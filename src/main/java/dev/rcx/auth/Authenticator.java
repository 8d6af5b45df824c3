package dev.rcx.auth;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Checks a login: throttle first, then the password proof against the users file. Timing does not
 * reveal whether a user exists: an unknown user costs one Argon2id run against a hash no input
 * matches, just like a known one. Only a malformed proof or a throttled caller is answered without
 * hashing, and neither depends on the user. Thread-safe.
 *
 * <p>Attempts from one client address are checked one at a time (throttle, hash, record), so
 * guesses sent in parallel get no more password checks than the same guesses sent in sequence:
 * otherwise every attempt in flight would pass the throttle before the first failure is recorded.
 * It also keeps one address from occupying more than one core with Argon2id. Addresses share a
 * fixed set of locks, so memory stays bounded.
 */
public final class Authenticator {
  // Names that break the naming rule can never log in; one shared throttle key keeps arbitrary
  // client strings (up to
  // the protocol's line limit) out of the throttle's memory.
  private static final String INVALID_NAME_KEY = "<invalid>";
  private static final int ADDRESS_LOCKS = 256;

  private final UserStore users;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final String unknownUserHash;
  private final ReentrantLock[] addressLocks = new ReentrantLock[ADDRESS_LOCKS];

  public Authenticator(UserStore users, PasswordHasher hasher, LoginThrottle throttle) {
    this.users = Objects.requireNonNull(users, "users");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.throttle = Objects.requireNonNull(throttle, "throttle");
    this.unknownUserHash = hasher.unmatchableHash();
    for (int i = 0; i < ADDRESS_LOCKS; i++) {
      addressLocks[i] = new ReentrantLock();
    }
  }

  /**
   * Whether {@code name} could be a user name at all. A login that names something else (often a
   * password or token pasted into the wrong field) is audited without it.
   */
  public static boolean isValidUsername(String name) {
    return Names.isValid(name);
  }

  /**
   * Authenticates one login attempt and updates the throttle.
   *
   * @param username as sent by the client
   * @param passwordSha256Hex as sent: should be the lowercase hex SHA-256 of the password
   * @param clientIp the client's address, the throttle's key
   * @throws IOException if the users file cannot be read ({@link CorruptUserFileException} if it is
   *     unusable)
   */
  public AuthOutcome authenticate(String username, String passwordSha256Hex, String clientIp)
      throws IOException {
    Objects.requireNonNull(clientIp, "clientIp");
    String key = Names.isValid(username) ? username : INVALID_NAME_KEY;
    ReentrantLock lock = addressLocks[Math.floorMod(clientIp.hashCode(), ADDRESS_LOCKS)];
    lock.lock();
    try {
      Optional<Duration> wait = throttle.retryAfter(key, clientIp);
      if (wait.isPresent()) {
        return new AuthOutcome.Throttled(wait.get());
      }
      AuthOutcome outcome = check(username, passwordSha256Hex);
      if (outcome instanceof AuthOutcome.Success) {
        throttle.recordSuccess(key, clientIp);
      } else {
        throttle.recordFailure(key, clientIp);
      }
      return outcome;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Authenticates a login on a connection whose client certificate (mutual TLS, verified against
   * the configured client CAs) names {@code certificateUser}. {@code username} must be that user,
   * or the login fails whatever else is right: a certificate vouches for one user only. Without a
   * password proof the certificate alone logs the user in, if the user exists; this is not
   * throttled, because a certificate cannot be guessed. With a proof, the password must be right
   * too and {@link #authenticate} (throttled) decides.
   *
   * @param passwordSha256Hex the password proof, or null for a certificate-only login
   * @throws IOException if the users file cannot be read
   */
  public AuthOutcome authenticateWithCertificate(
      String username, @Nullable String passwordSha256Hex, String certificateUser, String clientIp)
      throws IOException {
    Objects.requireNonNull(certificateUser, "certificateUser");
    if (!certificateUser.equals(username)) {
      return new AuthOutcome.Failure(AuthOutcome.Failure.CERTIFICATE_MISMATCH);
    }
    if (passwordSha256Hex != null) {
      return authenticate(username, passwordSha256Hex, clientIp);
    }
    Optional<User> user = Names.isValid(username) ? users.find(username) : Optional.empty();
    return user.<AuthOutcome>map(AuthOutcome.Success::new)
        .orElseGet(() -> new AuthOutcome.Failure(AuthOutcome.Failure.UNKNOWN_USER));
  }

  private AuthOutcome check(String username, String passwordSha256Hex) throws IOException {
    if (!PasswordHasher.isSha256Hex(passwordSha256Hex)) {
      return new AuthOutcome.Failure(AuthOutcome.Failure.MALFORMED_HASH);
    }
    Optional<User> user = Names.isValid(username) ? users.find(username) : Optional.empty();
    if (user.isEmpty()) {
      hasher.verify(passwordSha256Hex, unknownUserHash);
      return new AuthOutcome.Failure(AuthOutcome.Failure.UNKNOWN_USER);
    }
    if (hasher.verify(passwordSha256Hex, user.get().passwordHash())) {
      return new AuthOutcome.Success(user.get());
    }
    return new AuthOutcome.Failure(AuthOutcome.Failure.BAD_PASSWORD);
  }
}
