package dev.rcx.protocol;

/**
 * The closed set of error codes a server may send in an {@code error} message. Documented in
 * docs/PROTOCOL.md; a client can switch on these without parsing prose.
 */
public enum ErrorCode {
  /**
   * The line was not valid UTF-8 JSON, had trailing data, duplicate keys, or exceeded parser
   * bounds.
   */
  MALFORMED_JSON(true),
  /** The {@code type} field named no known message type. */
  UNKNOWN_TYPE(true),
  /** A field was missing, unknown, mistyped or out of range. */
  INVALID_REQUEST(true),
  /** Username or password wrong; never says which. */
  AUTH_FAILED(true),
  /** The session token is unknown, revoked, or bound to another address. */
  INVALID_TOKEN(true),
  /** The session token expired (idle or absolute lifetime). Log in again. */
  TOKEN_EXPIRED(true),
  /** No such command in the whitelist, or this user may not run it. */
  COMMAND_NOT_ALLOWED(true),
  /** The command is allowed but an argument is not. */
  ARGUMENT_NOT_ALLOWED(true),
  /** A line exceeded the maximum length; the connection is closed. */
  LINE_TOO_LONG(false),
  /** Too many failed logins; retry after {@code retry_after_ms}. */
  RATE_LIMITED(true),
  /** Too many connections or running commands; try again later. */
  SERVER_BUSY(true),
  /**
   * The audit log cannot take the record this request needs (disk full, I/O error, free space below
   * {@code audit.min_free_bytes}), so the request was not carried out: a command was not started.
   * The server keeps answering and resumes by itself once the log can be written again.
   */
  AUDIT_UNAVAILABLE(true),
  /**
   * The server is shutting down: a command still running when the shutdown grace period ended was
   * killed with its process tree; the connection is then closed.
   */
  SERVER_SHUTDOWN(false),
  /** The server failed; the request may not have been carried out. */
  INTERNAL(true);

  private final boolean recoverable;

  ErrorCode(boolean recoverable) {
    this.recoverable = recoverable;
  }

  /** Whether the connection stays usable after this error. */
  public boolean recoverable() {
    return recoverable;
  }
}
