package dev.rcx.protocol;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A message from server to client. See docs/PROTOCOL.md for the wire form of each. */
public sealed interface Response {

  /** The id of the request this answers, if it had one. */
  @Nullable String id();

  /**
   * {@code auth_response}. On success {@code status} is {@code "success"} with a token; on failure
   * it is {@code "failure"} with a {@code code} ({@link ErrorCode#AUTH_FAILED} or {@link
   * ErrorCode#RATE_LIMITED}).
   */
  record AuthResponse(
      String status,
      @Nullable String sessionToken,
      @Nullable Long expiresIn,
      @Nullable Long idleTimeout,
      @Nullable ErrorCode code,
      @Nullable String message,
      @Nullable Long retryAfterMs,
      @Nullable String id)
      implements Response {
    public AuthResponse {
      Objects.requireNonNull(status, "status");
    }

    public static AuthResponse success(
        String token, long expiresIn, long idleTimeout, @Nullable String id) {
      return new AuthResponse("success", token, expiresIn, idleTimeout, null, null, null, id);
    }

    public static AuthResponse failure(
        ErrorCode code, String message, @Nullable Long retryAfterMs, @Nullable String id) {
      return new AuthResponse("failure", null, null, null, code, message, retryAfterMs, id);
    }

    public boolean succeeded() {
      return "success".equals(status);
    }

    @Override
    public String toString() {
      return "AuthResponse[status="
          + status
          + ", code="
          + code
          + ", message="
          + message
          + ", id="
          + id
          + "]";
    }
  }

  /**
   * {@code command_output}: the command ran. {@code status} is {@code "success"} (exit code 0),
   * {@code "failure"} (non-zero exit code) or {@code "timed_out"} (killed at its timeout; {@code
   * exit_code} is null).
   */
  record CommandOutput(
      String status,
      String output,
      String stderr,
      @Nullable Integer exitCode,
      long durationMs,
      boolean truncated,
      boolean timedOut,
      @Nullable String id)
      implements Response {
    public CommandOutput {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(stderr, "stderr");
    }
  }

  /** {@code logout_response}: the token is revoked. */
  record LogoutResponse(String status, @Nullable String id) implements Response {}

  /** {@code pong}: answer to {@code ping}. */
  record Pong(@Nullable String id) implements Response {}

  /** {@code error}: the request was not carried out; {@code code} says why. */
  record Error(ErrorCode code, String message, @Nullable Long retryAfterMs, @Nullable String id)
      implements Response {
    public Error {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }

    public Error(ErrorCode code, String message, @Nullable String id) {
      this(code, message, null, id);
    }
  }
}
