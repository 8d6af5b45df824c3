package dev.rcx.fanout;

/** How one host's run ended. A closed set: output and exit codes switch on it exhaustively. */
public enum HostStatus {
  /** The command ran and exited 0. */
  OK("ok"),
  /** The command ran and exited non-zero. */
  FAILED("failed"),
  /** The server killed the command at its whitelist timeout. */
  TIMED_OUT("timed_out"),
  /** The whitelist refused the command or an argument. */
  DENIED("denied"),
  /** Login failed (wrong password, rate limited, token no longer valid). */
  AUTH_FAILED("auth_failed"),
  /** Could not connect, the TLS handshake failed, or the server's identity was not trusted. */
  UNREACHABLE("unreachable"),
  /** The host did not answer within the client's connect or command timeout. */
  NO_ANSWER("no_answer"),
  /** The server refused or failed the request (busy, internal error, protocol error). */
  ERROR("error"),
  /**
   * Ctrl-C: the command was cancelled on the server (its process tree killed), or the host was
   * stopped before its command started.
   */
  CANCELLED("cancelled");

  private final String wireName;

  HostStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case name used in the summary table and in JSON output. */
  public String wireName() {
    return wireName;
  }

  /** Whether rcx reached the host and logged in (the command itself may still have failed). */
  public boolean reached() {
    return switch (this) {
      case OK, FAILED, TIMED_OUT, DENIED, ERROR -> true;
      // A cancelled host may have been stopped before it was reached.
      case AUTH_FAILED, UNREACHABLE, NO_ANSWER, CANCELLED -> false;
    };
  }
}
