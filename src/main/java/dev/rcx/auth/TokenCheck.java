package dev.rcx.auth;

import java.util.Objects;

/** The result of {@link SessionManager#check}. */
public sealed interface TokenCheck {

  /** The token is live; its idle timer was reset. */
  record Valid(Session session) implements TokenCheck {
    public Valid {
      Objects.requireNonNull(session, "session");
    }
  }

  /** The token was valid but timed out (idle or absolute lifetime): answer TOKEN_EXPIRED. */
  record Expired(Session session) implements TokenCheck {
    public Expired {
      Objects.requireNonNull(session, "session");
    }
  }

  /** No such token: never issued, revoked, malformed, or expired long ago: answer INVALID_TOKEN. */
  record Unknown() implements TokenCheck {}

  /**
   * The session is bound to its client address and this request came from another; answer
   * INVALID_TOKEN. The idle timer was not reset.
   */
  record WrongAddress(Session session) implements TokenCheck {
    public WrongAddress {
      Objects.requireNonNull(session, "session");
    }
  }
}
