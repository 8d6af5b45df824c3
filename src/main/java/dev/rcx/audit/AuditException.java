package dev.rcx.audit;

/**
 * An audit record could not be written or a log could not be opened. Callers that must not act
 * without an audit trail (running a command) treat it as a reason to refuse the action.
 */
public class AuditException extends RuntimeException {
  public AuditException(String message) {
    super(message);
  }

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
