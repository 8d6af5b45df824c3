package dev.rcx.cli;

import dev.rcx.config.ConfigException;
import dev.rcx.config.Durations;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What commands that ask the running server over {@code DATA_DIR/control.sock} ({@code rcx server
 * reload}, {@code rcx audit rotate}) share: their {@code --timeout} and how a reply becomes output
 * and an exit status.
 */
final class ControlReplies {
  private ControlReplies() {}

  /** The {@code --timeout} value as a duration; a bad one is a usage error naming the option. */
  static Duration timeout(String value) {
    try {
      return Durations.parse("--timeout", value);
    } catch (ConfigException e) {
      throw new CliException(ExitCodes.USAGE, Errors.message(e));
    }
  }

  /** Prints {@code OK text} on stdout (exit 0), else {@code FAILED text} as an error (exit 1). */
  static int print(String reply, CommandSpec spec) {
    if (reply.startsWith("OK ")) {
      spec.commandLine().getOut().println(reply.substring(3));
      return ExitCodes.OK;
    }
    String message = reply.startsWith("FAILED ") ? reply.substring(7) : reply;
    spec.commandLine().getErr().println("Error: " + message);
    return ExitCodes.FAILED;
  }
}
