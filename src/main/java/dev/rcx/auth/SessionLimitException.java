package dev.rcx.auth;

/**
 * {@link SessionManager#create} refused a new session because the live-session limit is reached.
 */
public final class SessionLimitException extends IllegalStateException {
  SessionLimitException(int maxSessions) {
    super("session limit reached: maxSessions=" + maxSessions + " live sessions exist");
  }
}
