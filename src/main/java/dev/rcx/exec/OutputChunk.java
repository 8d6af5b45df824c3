package dev.rcx.exec;

/**
 * A piece of a running command's kept output, of one stream, as {@link Execution#nextChunk} hands
 * it out in arrival order. Immutable; {@link #bytes()} returns a copy.
 */
public final class OutputChunk {
  private final boolean stderr;
  private final byte[] bytes;

  OutputChunk(boolean stderr, byte[] bytes) {
    this.stderr = stderr;
    this.bytes = bytes;
  }

  /** Whether these bytes came from standard error (else standard output). */
  public boolean stderr() {
    return stderr;
  }

  /** The bytes, exactly as written. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public String toString() {
    return "OutputChunk[" + (stderr ? "stderr" : "stdout") + ", " + bytes.length + " bytes]";
  }
}
