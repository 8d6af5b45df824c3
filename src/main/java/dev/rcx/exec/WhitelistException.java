package dev.rcx.exec;

/**
 * A whitelist file that cannot be read or is invalid; the message names the file, the entry and the
 * problem.
 */
public final class WhitelistException extends RuntimeException {
  WhitelistException(String message) {
    super(message);
  }

  WhitelistException(String message, Throwable cause) {
    super(message, cause);
  }
}
