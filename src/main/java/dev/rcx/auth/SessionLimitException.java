package dev.rcx.auth;

import java.util.Objects;

/**
 * {@link SessionManager#create} refused a new session because the live-session limit is reached.
 */
public final class SessionLimitException extends IllegalStateException {
  private final boolean perUser;

  SessionLimitException(int maxSessions) {
    super("session limit reached: maxSessions=" + maxSessions + " live sessions exist");
    this.perUser = false;
  }

  SessionLimitException(String user, int maxPerUser) {
    super(
        "user '"
            + user
            + "' already has "
            + maxPerUser
            + " live sessions (sessions.max_sessions_per_user); log out of one or wait for one to"
            + " expire");
    this.perUser = true;
  }

  /** Whether the user's own limit was reached, rather than the server's. */
  public boolean perUser() {
    return perUser;
  }

  /** Never null: every constructor sets it. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
