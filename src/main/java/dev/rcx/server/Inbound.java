package dev.rcx.server;

/** What a connection's reader thread hands to its request loop: a line, or how the stream ended. */
sealed interface Inbound {
  /** One complete request line, without its newline. */
  record Line(byte[] bytes) implements Inbound {}

  /** The client closed the connection cleanly between lines. */
  record Closed() implements Inbound {}

  /**
   * The stream ended or failed; {@code reason} is an audit-friendly snake_case word plus detail.
   */
  record Broken(String reason) implements Inbound {}

  /** A line exceeded the limit; the connection is answered LINE_TOO_LONG and closed. */
  record TooLong(int limit) implements Inbound {}
}
