package dev.rcx.jmh;

import java.io.InputStream;

/**
 * An endless stream that repeats one message, so a single long-lived {@code LineReader} can be
 * measured the way a connection uses it. Each read returns at most one copy, as a socket delivering
 * one request at a time would.
 */
final class ReplayInputStream extends InputStream {
  private final byte[] message;
  private int pos;

  ReplayInputStream(byte[] message) {
    this.message = message.clone();
  }

  @Override
  public int read() {
    byte b = message[pos];
    pos = (pos + 1) % message.length;
    return b & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    int n = Math.min(len, message.length - pos);
    System.arraycopy(message, pos, b, off, n);
    pos = (pos + n) % message.length;
    return n;
  }
}
