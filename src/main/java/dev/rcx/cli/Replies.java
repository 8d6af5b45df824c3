package dev.rcx.cli;

import dev.rcx.protocol.Response;
import java.io.PrintWriter;

/** Prints a command's reply the way a person expects and maps it to an exit code. */
final class Replies {
  private Replies() {}

  /**
   * Writes stdout and stderr as the remote command produced them (byte for byte on a {@link
   * BytePrintWriter}); returns the exit code for {@code rcx exec}.
   *
   * @param allowTruncated whether output cut at the server's cap still yields the command's own
   *     exit code; otherwise it yields {@link ExitCodes#TRUNCATED}
   */
  static int print(Response r, PrintWriter out, PrintWriter err, boolean allowTruncated) {
    return switch (r) {
      case Response.CommandOutput o -> {
        BytePrintWriter.writeBytes(out, o.outputBytes());
        BytePrintWriter.writeBytes(err, o.stderrBytes());
        yield finish(o, err, allowTruncated);
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

  /**
   * After the output has been written: says what the final reply means beyond its exit code and
   * returns the exit status of {@code rcx exec}.
   */
  static int finish(Response.CommandOutput o, PrintWriter err, boolean allowTruncated) {
    try {
      if (o.timedOut()) {
        if (o.truncated()) {
          err.println("rcx: output truncated by the server's output cap");
        }
        err.println("rcx: command timed out after " + o.durationMs() + " ms and was killed");
        return ExitCodes.TIMED_OUT;
      }
      if (o.status() == Response.CommandOutput.Status.CANCELLED) {
        err.println("rcx: command cancelled after " + o.durationMs() + " ms and was killed");
        return ExitCodes.CANCELLED;
      }
      if (o.exitCode() == null) {
        err.println(
            "rcx: the server reported no exit code (status '" + o.status().wireName() + "')");
        return ExitCodes.SERVER_ERROR;
      }
      if (o.truncated()) {
        if (allowTruncated) {
          err.println("rcx: output truncated by the server's output cap");
          return o.exitCode();
        }
        err.println(
            "rcx: output truncated by the server's output cap (max_output); the command exited "
                + o.exitCode()
                + "; exit status "
                + ExitCodes.TRUNCATED
                + " (use --allow-truncated to accept cut output)");
        return ExitCodes.TRUNCATED;
      }
      return o.exitCode();
    } finally {
      err.flush();
    }
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
