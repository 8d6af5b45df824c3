package dev.rcx.audit;

/**
 * The log cannot take records right now, but may again without a restart: a write failed (disk
 * full, I/O error) and the log is retrying in the background, or free space is below the reserve
 * that new commands need. Callers refuse the action and may try again later.
 */
public class AuditUnavailableException extends AuditException {
  public AuditUnavailableException(String message) {
    super(message);
  }

  public AuditUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
