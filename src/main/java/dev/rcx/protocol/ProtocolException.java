package dev.rcx.protocol;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request that could not be decoded; carries the error code and, when it could be read, the
 * request's id.
 */
public final class ProtocolException extends Exception {
  private final ErrorCode code;
  private final @Nullable String requestId;

  public ProtocolException(ErrorCode code, String message, @Nullable String requestId) {
    super(message, null, /* enableSuppression= */ false, /* writableStackTrace= */ false);
    this.code = code;
    this.requestId = requestId;
  }

  public ErrorCode code() {
    return code;
  }

  public @Nullable String requestId() {
    return requestId;
  }

  /** Never null: the constructor takes one. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }

  /** The error reply for this failure. */
  public Response.Error toResponse() {
    return new Response.Error(code, getMessage(), requestId);
  }
}
