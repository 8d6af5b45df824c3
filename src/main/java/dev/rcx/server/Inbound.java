package dev.rcx.server;

import org.jspecify.annotations.Nullable;

/** What a connection's reader thread hands to its request loop: a line, or how the stream ended. */
sealed interface Inbound {
  /** One complete request line, without its newline; {@code index} counts lines from 0. */
  // Handed from the reader thread to the request thread once, never shared further: no copy.
  @SuppressWarnings("ArrayRecordComponent")
  record Line(byte[] bytes, long index) implements Inbound {}

  /**
   * A {@code cancel} request, already acted on by the reader; to be answered in order. {@code
   * auditFailed}: its audit record could not be written, so nothing was cancelled.
   */
  record Cancel(@Nullable String id, long index, boolean auditFailed) implements Inbound {}

  /** The client closed the connection cleanly between lines. */
  record Closed() implements Inbound {}

  /**
   * The stream ended or failed; {@code reason} is an audit-friendly snake_case word plus detail.
   */
  record Broken(String reason) implements Inbound {}

  /** A line exceeded the limit; the connection is answered LINE_TOO_LONG and closed. */
  record TooLong(int limit) implements Inbound {}
}
