package dev.rcx.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Issues and checks session tokens. A token is 256 bits from {@link SecureRandom} in unpadded
 * base64url; it is a bearer credential usable from any connection until it expires or is revoked
 * (unless {@link Options#bindToClientAddress} ties it to the address that logged in).
 *
 * <p>The table is keyed by the token's SHA-256, never the token, so a heap dump hands out no live
 * token. Looking up by digest also means a timing difference in the lookup can reveal only bits of
 * a digest, which an attacker cannot turn back into a token.
 *
 * <p>A session expires after {@code idleTimeout} without a {@link TokenCheck.Valid} check, or
 * {@code absoluteLifetime} after creation, whichever comes first. It then stays as a tombstone for
 * {@code tombstoneRetention} so its token is answered "expired" rather than "unknown"; {@link
 * #purge()} (which the server calls periodically) and {@link #create} drop tombstones after that.
 * Thread-safe: checks are lock-free, creation and purging are serialized so the session limit
 * holds.
 */
public final class SessionManager {
  static final int TOKEN_BYTES = 32;
  static final int TOKEN_CHARS = 43;
  private static final int ID_BYTES = 6;
  private static final Base64.Encoder TOKEN_ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Session settings.
   *
   * @param idleTimeout a session unused this long expires
   * @param absoluteLifetime a session expires this long after creation however much it is used
   * @param tombstoneRetention how long an expired session is still recognised (answered "expired")
   * @param maxSessions the most live sessions; {@link #create} refuses beyond it
   * @param bindToClientAddress whether a token works only from the address that logged in
   * @param maxSessionsPerUser the most live sessions one user may hold; {@link #create} refuses
   *     beyond it
   */
  public record Options(
      Duration idleTimeout,
      Duration absoluteLifetime,
      Duration tombstoneRetention,
      int maxSessions,
      boolean bindToClientAddress,
      int maxSessionsPerUser) {

    /** Options without a per-user limit below {@code maxSessions}. */
    public Options(
        Duration idleTimeout,
        Duration absoluteLifetime,
        Duration tombstoneRetention,
        int maxSessions,
        boolean bindToClientAddress) {
      this(
          idleTimeout,
          absoluteLifetime,
          tombstoneRetention,
          maxSessions,
          bindToClientAddress,
          maxSessions);
    }

    public Options {
      requirePositive(idleTimeout, "idleTimeout");
      requirePositive(absoluteLifetime, "absoluteLifetime");
      Objects.requireNonNull(tombstoneRetention, "tombstoneRetention");
      if (tombstoneRetention.isNegative()) {
        throw new IllegalArgumentException(
            "tombstoneRetention must be >= 0 but was " + tombstoneRetention);
      }
      if (maxSessions < 1) {
        throw new IllegalArgumentException("maxSessions must be at least 1 but was " + maxSessions);
      }
      if (maxSessionsPerUser < 1) {
        throw new IllegalArgumentException(
            "maxSessionsPerUser must be at least 1 but was " + maxSessionsPerUser);
      }
    }

    /**
     * Idle 15 min, absolute 8 h, tombstones kept 8 h, 10 000 sessions, not bound to the client
     * address.
     */
    public static Options defaults() {
      return new Options(
          Duration.ofMinutes(15), Duration.ofHours(8), Duration.ofHours(8), 10_000, false);
    }

    private static void requirePositive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + d);
      }
    }
  }

  private final class Entry {
    final Session session;
    final Instant deadline;
    final AtomicReference<Instant> lastSeen;

    Entry(Session session) {
      this.session = session;
      this.deadline = session.created().plus(options.absoluteLifetime());
      this.lastSeen = new AtomicReference<>(session.created());
    }

    Instant expiresAt() {
      // Set in the constructor and only ever moved forward, never cleared.
      Instant seen = Objects.requireNonNull(lastSeen.get());
      Instant idleDeadline = seen.plus(options.idleTimeout());
      return idleDeadline.isBefore(deadline) ? idleDeadline : deadline;
    }

    boolean live(Instant now) {
      return now.isBefore(expiresAt());
    }

    boolean purgeable(Instant now) {
      return !now.isBefore(expiresAt().plus(options.tombstoneRetention()));
    }

    void touch(Instant now) {
      lastSeen.accumulateAndGet(now, (a, b) -> a.isAfter(b) ? a : b);
    }
  }

  private final Clock clock;
  private final SecureRandom random;
  private final Options options;
  private final ConcurrentHashMap<String, Entry> byDigest = new ConcurrentHashMap<>();

  /** A manager with {@link Options#defaults()}. */
  public SessionManager(Clock clock) {
    this(clock, new SecureRandom(), Options.defaults());
  }

  public SessionManager(Clock clock, SecureRandom random, Options options) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Creates a session for a user who just authenticated.
   *
   * @throws SessionLimitException if {@code maxSessions} live sessions exist
   */
  public synchronized NewSession create(User user, String clientIp) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(clientIp, "clientIp");
    Instant now = clock.instant();
    if (options.maxSessionsPerUser() < options.maxSessions()
        && liveOf(user.name(), now) >= options.maxSessionsPerUser()) {
      throw new SessionLimitException(user.name(), options.maxSessionsPerUser());
    }
    makeRoom(now);
    byte[] raw = new byte[TOKEN_BYTES];
    random.nextBytes(raw);
    String token = TOKEN_ENCODER.encodeToString(raw);
    byte[] id = new byte[ID_BYTES];
    random.nextBytes(id);
    var session = new Session(HEX.formatHex(id), user.name(), user.roles(), now, clientIp);
    byDigest.put(digest(token), new Entry(session));
    return new NewSession(token, session);
  }

  /**
   * Checks a token presented by a client. On {@link TokenCheck.Valid} the idle timer restarts. A
   * bound session seen from another address is {@link TokenCheck.WrongAddress} whatever its age.
   */
  public TokenCheck check(String token, String clientIp) {
    Entry e = lookup(token);
    if (e == null) {
      return new TokenCheck.Unknown();
    }
    if (options.bindToClientAddress() && !e.session.clientIp().equals(clientIp)) {
      return new TokenCheck.WrongAddress(e.session);
    }
    Instant now = clock.instant();
    if (!e.live(now)) {
      return new TokenCheck.Expired(e.session);
    }
    e.touch(now);
    return new TokenCheck.Valid(e.session);
  }

  /**
   * Revokes a token (logout). Its entry is dropped, so later checks answer {@link
   * TokenCheck.Unknown}.
   *
   * @return whether a live session was revoked
   */
  public boolean revoke(String token) {
    if (!isWellFormed(token)) {
      return false;
    }
    Entry e = byDigest.remove(digest(token));
    return e != null && e.live(clock.instant());
  }

  /**
   * Revokes every session of {@code user}, for when the user is removed or their password changes.
   *
   * @return how many live sessions were revoked
   */
  public int revokeUser(String user) {
    Instant now = clock.instant();
    int revoked = 0;
    for (var it = byDigest.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.session.user().equals(user)) {
        it.remove();
        revoked += e.live(now) ? 1 : 0;
      }
    }
    return revoked;
  }

  /** Live sessions of {@code user}; a scan, as logins are rare next to checks. */
  private int liveOf(String user, Instant now) {
    int n = 0;
    for (Entry e : byDigest.values()) {
      if (e.session.user().equals(user) && e.live(now)) {
        n++;
      }
    }
    return n;
  }

  /** The number of live (unexpired, unrevoked) sessions. */
  public int active() {
    Instant now = clock.instant();
    return (int) byDigest.values().stream().filter(e -> e.live(now)).count();
  }

  /**
   * Drops tombstones whose retention has passed. Call periodically (e.g. every minute).
   *
   * @return how many entries were dropped
   */
  public synchronized int purge() {
    Instant now = clock.instant();
    int before = byDigest.size();
    byDigest.values().removeIf(e -> e.purgeable(now));
    return before - byDigest.size();
  }

  /** Entries held, live and tombstones; for tests. */
  int size() {
    return byDigest.size();
  }

  private void makeRoom(Instant now) {
    if (byDigest.size() < options.maxSessions()) {
      return;
    }
    purge();
    if (active() >= options.maxSessions()) {
      throw new SessionLimitException(options.maxSessions());
    }
    // Tombstones are a convenience (a nicer error); they must not cost a live user a session.
    var tombstones =
        byDigest.entrySet().stream()
            .filter(en -> !en.getValue().live(now))
            .sorted(
                Comparator.comparing((Map.Entry<String, Entry> en) -> en.getValue().expiresAt()))
            .toList();
    for (var it = tombstones.iterator();
        it.hasNext() && byDigest.size() >= options.maxSessions(); ) {
      byDigest.remove(it.next().getKey());
    }
  }

  private @Nullable Entry lookup(String token) {

    return isWellFormed(token) ? byDigest.get(digest(token)) : null;
  }

  private static boolean isWellFormed(String token) {
    if (token == null || token.length() != TOKEN_CHARS) {
      return false;
    }
    for (int i = 0; i < TOKEN_CHARS; i++) {
      char c = token.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String digest(String token) {
    return HEX.formatHex(PasswordHasher.sha256().digest(token.getBytes(StandardCharsets.US_ASCII)));
  }
}
