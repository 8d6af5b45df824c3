package dev.rcx.cli;

import java.nio.charset.StandardCharsets;

/**
 * A finished {@code rcx} process: its exit code and exact output bytes. A class, not a record,
 * since its outputs are raw bytes (no value equality).
 */
final class ProcessRun {
  private final int code;
  private final byte[] out;
  private final byte[] err;

  ProcessRun(int code, byte[] out, byte[] err) {
    this.code = code;
    this.out = out;
    this.err = err;
  }

  int code() {
    return code;
  }

  byte[] out() {
    return out;
  }

  byte[] err() {
    return err;
  }

  String outText() {
    return new String(out, StandardCharsets.UTF_8);
  }

  String errText() {
    return new String(err, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + outText() + "--- stderr\n" + errText();
  }
}
