package dev.rcx.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A session token kept on disk by {@code rcx login} for one server and user.
 *
 * @param server the server as the user named it, {@code host:port}
 * @param user the user it logged in as
 * @param token the bearer token (never printed: {@link #toString} leaves it out)
 * @param expiresAt the absolute end of the session, as the server announced it at login
 * @param idleTimeout the server's idle expiry: the session ends this long after its last use
 * @param lastUsed when this client last used it successfully
 */
public record CachedSession(
    String server,
    String user,
    String token,
    Instant expiresAt,
    Duration idleTimeout,
    Instant lastUsed) {
  public CachedSession {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(lastUsed, "lastUsed");
  }

  /** When the session ends if it is not used again: the earlier of idle and absolute expiry. */
  public Instant expiresIfIdle() {
    Instant idle = lastUsed.plus(idleTimeout);
    return idle.isBefore(expiresAt) ? idle : expiresAt;
  }

  /**
   * Whether the session should still be valid at {@code now} as far as this client knows (the
   * server may have forgotten it, e.g. after a restart).
   */
  public boolean validAt(Instant now) {
    return now.isBefore(expiresIfIdle());
  }

  /** This session used successfully at {@code now}. */
  public CachedSession usedAt(Instant now) {
    return new CachedSession(server, user, token, expiresAt, idleTimeout, now);
  }

  @Override
  public String toString() {
    return "CachedSession[server=" + server + ", user=" + user + ", expiresAt=" + expiresAt + "]";
  }
}
