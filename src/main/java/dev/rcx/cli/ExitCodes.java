package dev.rcx.cli;

/**
 * Exit codes of the rcx command line. {@code rcx exec} otherwise exits with the remote command's
 * own exit code; like ssh's 255, the codes below are reserved and a remote command exiting with one
 * of them is indistinguishable from it.
 */
final class ExitCodes {
  static final int OK = 0;

  /** Generic failure of a local command (verify found tampering, a user operation failed). */
  static final int FAILED = 1;

  /** The remote command was killed at its timeout (as timeout(1) does). */
  static final int TIMED_OUT = 124;

  /** The remote command was cancelled (Ctrl-C), as a shell reports a command killed by SIGINT. */
  static final int CANCELLED = 130;

  /**
   * The command ran but its output was cut at the server's output cap ({@code max_output}); {@code
   * rcx exec --allow-truncated} exits with the command's own code instead.
   */
  static final int TRUNCATED = 250;

  /**
   * The whitelist refused the command or an argument (COMMAND_NOT_ALLOWED, ARGUMENT_NOT_ALLOWED).
   */
  static final int DENIED = 251;

  /** Authentication failed (AUTH_FAILED, RATE_LIMITED, INVALID_TOKEN, TOKEN_EXPIRED). */
  static final int AUTH_FAILED = 252;

  /** The server refused or failed the request (SERVER_BUSY, INTERNAL, protocol errors). */
  static final int SERVER_ERROR = 253;

  /** Bad command-line usage. */
  static final int USAGE = 254;

  /** Could not connect, TLS failed, or the server's identity was not trusted. */
  static final int CONNECTION_FAILED = 255;

  private ExitCodes() {}
}
