package dev.rcx.bench;

import java.util.Objects;

/**
 * The system under test answered, but not with success: an error code such as {@code AUTH_FAILED},
 * a non-zero exit ({@code EXIT_3}) or a timeout ({@code TIMED_OUT}). Results count failures by
 * {@link #code()}.
 */
public final class OperationFailedException extends Exception {
  private final String code;

  /**
   * @param code a stable upper-case code, counted in the results
   * @param message what happened, for the report; must not contain secrets
   */
  public OperationFailedException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** Never null: the constructor takes one. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
