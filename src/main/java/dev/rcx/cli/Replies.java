package dev.rcx.cli;

import dev.rcx.protocol.Response;
import java.io.PrintWriter;

/** Prints a command's reply the way a person expects and maps it to an exit code. */
final class Replies {
  private Replies() {}

  /**
   * Writes stdout and stderr as the remote command produced them; returns the exit code for {@code
   * rcx exec}.
   */
  static int print(Response r, PrintWriter out, PrintWriter err) {
    return switch (r) {
      case Response.CommandOutput o -> {
        out.print(o.output());
        out.flush();
        err.print(o.stderr());
        if (o.truncated()) {
          err.println("rcx: output truncated by the server's output cap");
        }
        if (o.timedOut()) {
          err.println("rcx: command timed out after " + o.durationMs() + " ms and was killed");
          err.flush();
          yield ExitCodes.TIMED_OUT;
        }
        err.flush();
        yield o.exitCode() == null ? ExitCodes.SERVER_ERROR : o.exitCode();
      }
      case Response.Error e -> {
        err.println("Error: " + e.code() + ": " + e.message());
        err.flush();
        yield exitCode(e);
      }
      default -> {
        err.println("Error: unexpected reply " + r);
        yield ExitCodes.SERVER_ERROR;
      }
    };
  }

  static int exitCode(Response.Error e) {
    return switch (e.code()) {
      case COMMAND_NOT_ALLOWED, ARGUMENT_NOT_ALLOWED -> ExitCodes.DENIED;
      case AUTH_FAILED, RATE_LIMITED, INVALID_TOKEN, TOKEN_EXPIRED -> ExitCodes.AUTH_FAILED;
      case MALFORMED_JSON,
          UNKNOWN_TYPE,
          INVALID_REQUEST,
          LINE_TOO_LONG,
          SERVER_BUSY,
          AUDIT_UNAVAILABLE,
          SERVER_SHUTDOWN,
          INTERNAL ->
          ExitCodes.SERVER_ERROR;
    };
  }
}
