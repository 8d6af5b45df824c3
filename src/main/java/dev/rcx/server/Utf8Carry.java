package dev.rcx.server;

import java.util.Arrays;

/**
 * Keeps a UTF-8 sequence that a piece of output ends in the middle of for the next piece of the
 * same stream, so that text split across {@code command_chunk} messages still travels as text
 * rather than as two base64 halves. At most three bytes per stream are held back. For one thread.
 */
final class Utf8Carry {
  private static final byte[] NONE = new byte[0];
  private final byte[][] held = {NONE, NONE};

  /**
   * The bytes of stream {@code stream} (0 stdout, 1 stderr) to send now: what was held back, then
   * {@code data}, less a trailing incomplete UTF-8 sequence, which is held for the next call.
   */
  byte[] next(int stream, byte[] data) {
    byte[] all = held[stream].length == 0 ? data : concat(held[stream], data);
    int complete = completeLength(all);
    held[stream] = complete == all.length ? NONE : Arrays.copyOfRange(all, complete, all.length);
    return complete == all.length ? all : Arrays.copyOf(all, complete);
  }

  /** What is still held back for {@code stream} (the output ended mid-sequence), and forgets it. */
  byte[] rest(int stream) {
    byte[] rest = held[stream];
    held[stream] = NONE;
    return rest;
  }

  /**
   * The length of the longest prefix of {@code b} that does not end inside a UTF-8 sequence that
   * more bytes could still complete. Bytes that can never be valid are left in the prefix (the
   * piece then travels as base64).
   */
  static int completeLength(byte[] b) {
    int end = b.length;
    for (int i = end - 1; i >= Math.max(0, end - 3); i--) {
      int v = b[i] & 0xff;
      if (v < 0x80) {
        return end; // ASCII: nothing open
      }
      if (v >= 0xc0) {
        int need = v >= 0xf0 ? 4 : v >= 0xe0 ? 3 : 2;
        return end - i < need && v < 0xf8 ? i : end;
      }
      // A continuation byte: keep looking for its lead byte.
    }
    return end;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
