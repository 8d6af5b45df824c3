package dev.rcx.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code rcx} in-process through {@link Main#run}, with {@code stdin} as System.in for the
 * duration.
 */
final class Cli {
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  static Result withStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err)) {
      int code = Main.run(args, o, e);
      o.flush();
      e.flush();
      return new Result(code, out.toString(), err.toString());
    } finally {
      System.setIn(saved);
    }
  }

  static Result run(String... args) {
    return withStdin("", args);
  }
}
