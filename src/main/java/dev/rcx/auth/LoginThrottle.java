package dev.rcx.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Exponential back-off after failed logins, counted twice: per (user, client address) and per
 * client address across users. After the free failures of a key, each further failure blocks that
 * key for {@code base * 2^k} (k = 0, 1, ...), at most {@code maxDelay}. While blocked, a login must
 * be refused without checking the password (that check is the expensive part an attacker wants to
 * repeat).
 *
 * <p>Nothing is counted per user alone, so an attacker hammering a user from one address never
 * locks that user out from another. A success clears only the (user, address) count: clearing the
 * per-address count would let an attacker with one valid account reset their budget for guessing
 * other users.
 *
 * <p>Memory is bounded: a key is forgotten {@code forgetAfter} after its last failure, and each
 * table holds at most {@code maxEntries} keys, evicting the one whose last failure is oldest.
 * Thread-safe (one short lock).
 */
public final class LoginThrottle {

  /**
   * Throttle settings.
   *
   * @param freePerUserAndAddress failures per (user, address) before back-off starts
   * @param freePerAddress failures per address, across users, before back-off starts
   * @param baseDelay the first block
   * @param maxDelay the longest block
   * @param forgetAfter how long after its last failure a key is forgotten; at least {@code
   *     maxDelay}
   * @param maxEntries the most keys each table holds
   */
  public record Options(
      int freePerUserAndAddress,
      int freePerAddress,
      Duration baseDelay,
      Duration maxDelay,
      Duration forgetAfter,
      int maxEntries) {

    public Options {
      if (freePerUserAndAddress < 0 || freePerAddress < 0) {
        throw new IllegalArgumentException(
            "free failure counts must be >= 0 but were "
                + freePerUserAndAddress
                + " per user and address, "
                + freePerAddress
                + " per address");
      }
      requirePositive(baseDelay, "baseDelay");
      requirePositive(maxDelay, "maxDelay");
      requirePositive(forgetAfter, "forgetAfter");
      if (maxDelay.compareTo(baseDelay) < 0 || maxDelay.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            "maxDelay must be between baseDelay (" + baseDelay + ") and 1 day but was " + maxDelay);
      }
      if (forgetAfter.compareTo(maxDelay) < 0) {
        throw new IllegalArgumentException(
            "forgetAfter must be at least maxDelay (" + maxDelay + ") but was " + forgetAfter);
      }
      if (maxEntries < 1) {
        throw new IllegalArgumentException("maxEntries must be at least 1 but was " + maxEntries);
      }
    }

    /**
     * 3 free per (user, address), 10 per address, 1 s doubling to 5 min, forgotten after 1 h, 100
     * 000 keys.
     */
    public static Options defaults() {
      return new Options(
          3, 10, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1), 100_000);
    }

    private static void requirePositive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + d);
      }
    }
  }

  private record UserAtAddress(String user, String address) {}

  private final Clock clock;
  private final BackoffTable<UserAtAddress> perUser;
  private final BackoffTable<String> perAddress;

  /** A throttle with {@link Options#defaults()}. */
  public LoginThrottle(Clock clock) {
    this(clock, Options.defaults());
  }

  public LoginThrottle(Clock clock, Options options) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.perUser =
        new BackoffTable<>(
            options.freePerUserAndAddress(),
            options.baseDelay(),
            options.maxDelay(),
            options.forgetAfter(),
            options.maxEntries());
    this.perAddress =
        new BackoffTable<>(
            options.freePerAddress(),
            options.baseDelay(),
            options.maxDelay(),
            options.forgetAfter(),
            options.maxEntries());
  }

  /**
   * How long this login attempt must wait, if it is blocked. A refused attempt is not counted as a
   * failure.
   *
   * @param user the username as sent (callers should bound its length; see {@link Authenticator})
   * @param address the client's address
   */
  public synchronized Optional<Duration> retryAfter(String user, String address) {
    var now = clock.instant();
    Duration a = perUser.remaining(new UserAtAddress(user, address), now);
    Duration b = perAddress.remaining(address, now);
    Duration wait = a.compareTo(b) >= 0 ? a : b;
    return wait.isZero() ? Optional.empty() : Optional.of(wait);
  }

  /** Counts a failed login. */
  public synchronized void recordFailure(String user, String address) {
    var now = clock.instant();
    perUser.fail(new UserAtAddress(user, address), now);
    perAddress.fail(address, now);
  }

  /** Clears the (user, address) count after a successful login; the per-address count stays. */
  public synchronized void recordSuccess(String user, String address) {
    perUser.clear(new UserAtAddress(user, address));
  }

  /** Keys held in the (user, address) table and the address table; for tests. */
  synchronized int[] sizes() {
    return new int[] {perUser.size(), perAddress.size()};
  }
}
