package dev.rcx.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a password from stdin, the RCX_PASSWORD environment variable, or a no-echo prompt; never
 * from argv.
 */
final class Passwords {
  static final String ENV = "RCX_PASSWORD";

  private Passwords() {}

  /**
   * Fails before any connection is made when no password can be had: not on stdin, not in the
   * environment, and no terminal to ask on.
   */
  static void requireSource(boolean fromStdin) {
    String env = System.getenv(ENV);
    if (!fromStdin && (env == null || env.isEmpty()) && System.console() == null) {
      throw new CliException(
          ExitCodes.USAGE,
          "no terminal to prompt for a password; use --password-stdin or set " + ENV);
    }
  }

  static char[] read(boolean fromStdin, InputStream stdin, String prompt) {
    if (fromStdin) {
      try {
        String line =
            new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
          throw new CliException(
              ExitCodes.USAGE, "--password-stdin: no password on standard input");
        }
        return line.toCharArray();
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.USAGE, "--password-stdin: cannot read standard input: " + e.getMessage());
      }
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isEmpty()) {
      return env.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw new CliException(
          ExitCodes.USAGE,
          "no terminal to prompt for a password; use --password-stdin or set " + ENV);
    }
    char[] pw = console.readPassword("%s", prompt);
    if (pw == null || pw.length == 0) {
      throw new CliException(ExitCodes.USAGE, "empty password");
    }
    return pw;
  }

  /** Prompts twice when interactive, for setting a new password. */
  static char[] readNew(boolean fromStdin, InputStream stdin) {
    if (fromStdin || System.getenv(ENV) != null || System.console() == null) {
      return read(fromStdin, stdin, "New password: ");
    }
    char[] first = read(false, stdin, "New password: ");
    char[] second = read(false, stdin, "Repeat password: ");
    if (!Arrays.equals(first, second)) {
      Arrays.fill(first, '\0');
      Arrays.fill(second, '\0');
      throw new CliException(ExitCodes.USAGE, "passwords do not match");
    }
    Arrays.fill(second, '\0');
    return first;
  }
}
