package dev.rcx.protocol;

import java.io.IOException;

/** A line exceeded the configured maximum; the rest of it was not read. */
public final class LineTooLongException extends IOException {
  private final int limit;

  public LineTooLongException(int limit) {
    super("line exceeds the maximum of " + limit + " bytes");
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }
}
