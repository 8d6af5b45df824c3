package dev.rcx.auth;

import java.time.Duration;
import java.util.Objects;

/** The result of {@link Authenticator#authenticate}. */
public sealed interface AuthOutcome {

  /** The credentials are right. */
  record Success(User user) implements AuthOutcome {
    public Success {
      Objects.requireNonNull(user, "user");
    }
  }

  /**
   * The credentials are wrong. {@code auditReason} is for the audit log only ({@link
   * #UNKNOWN_USER}, {@link #BAD_PASSWORD}, {@link #MALFORMED_HASH}, {@link #CERTIFICATE_MISMATCH});
   * the client must get the same answer whatever the reason.
   */
  record Failure(String auditReason) implements AuthOutcome {
    /** No user by that name (or the name breaks the naming rule). */
    public static final String UNKNOWN_USER = "unknown_user";

    /** The user exists and the password proof does not match. */
    public static final String BAD_PASSWORD = "bad_password";

    /** The password proof is not 64 lowercase hex characters. */
    public static final String MALFORMED_HASH = "malformed_hash";

    /** The connection's client certificate names another user than the one logging in. */
    public static final String CERTIFICATE_MISMATCH = "certificate_user_mismatch";

    public Failure {
      Objects.requireNonNull(auditReason, "auditReason");
    }
  }

  /**
   * Too many recent failures from this address (for this user or overall); the password was not
   * checked.
   */
  record Throttled(Duration retryAfter) implements AuthOutcome {
    public Throttled {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }
}
