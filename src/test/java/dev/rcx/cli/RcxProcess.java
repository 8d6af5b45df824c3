package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code rcx} as a child JVM from the test class path, for what only a process shows: exit
 * status, what goes to stdout and stderr, inherited file descriptors, missing privileges. Output
 * goes to files, so a test never blocks on a full pipe.
 */
final class RcxProcess {
  private static final Pattern LISTENING =
      Pattern.compile("rcx server listening on \\w+://[^ ]*:(\\d+) ");

  record Finished(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Path dir;
  private final List<String> prefix = new ArrayList<>();
  private final Map<String, String> env = new java.util.HashMap<>();
  private String stdin = "";
  private int runs;

  RcxProcess(Path dir) {
    this.dir = dir;
  }

  /** Runs rcx under {@code command...} (e.g. setpriv or a shell that redirects a descriptor). */
  RcxProcess under(String... command) {
    prefix.addAll(List.of(command));
    return this;
  }

  RcxProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  RcxProcess stdin(String text) {
    stdin = text;
    return this;
  }

  private ProcessBuilder builder(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.rcx.cli.Main"));
    cmd.addAll(List.of(args));
    int n = ++runs;
    Path in = dir.resolve("stdin-" + n);
    Files.writeString(in, stdin, StandardCharsets.UTF_8);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectInput(in.toFile())
            .redirectOutput(dir.resolve("stdout-" + n).toFile())
            .redirectError(dir.resolve("stderr-" + n).toFile());
    pb.environment().remove("RCX_PASSWORD");
    pb.environment().remove("RCX_DATA_DIR");
    pb.environment().put("RCX_LOG_LEVEL", "WARN");
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs {@code rcx args...} to its end (at most 60 s). */
  Finished run(String... args) throws IOException, InterruptedException {
    Process p = builder(args).start();
    int n = runs;
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rcx %s exited", List.of(args)).isTrue();
      return new Finished(
          p.exitValue(),
          Files.readString(dir.resolve("stdout-" + n)),
          Files.readString(dir.resolve("stderr-" + n)));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** A server started with {@code rcx server args...}, stopped by SIGTERM in {@link #close}. */
  final class Server implements AutoCloseable {
    private final Process process;
    private final int n;
    final int port;

    private Server(Process process, int n) throws IOException, InterruptedException {
      this.process = process;
      this.n = n;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
      Matcher m = null;
      while (System.nanoTime() < deadline && process.isAlive()) {
        m = LISTENING.matcher(out());
        if (m.find()) {
          break;
        }
        m = null;
        Thread.sleep(50);
      }
      if (m == null) {
        process.destroyForcibly();
        throw new AssertionError("rcx server did not start:\n" + out() + "\n" + err());
      }
      this.port = Integer.parseInt(m.group(1));
    }

    String out() throws IOException {
      return Files.readString(dir.resolve("stdout-" + n));
    }

    String err() throws IOException {
      return Files.readString(dir.resolve("stderr-" + n));
    }

    /** SIGTERM, then the exit status. */
    @Override
    public void close() throws InterruptedIOException {
      process.destroy();
      boolean exited;
      try {
        exited = process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for rcx server to exit");
      }
      if (!exited) {
        process.destroyForcibly();
        throw new AssertionError("rcx server still running 30 s after SIGTERM");
      }
    }
  }

  Server startServer(String... args) throws IOException, InterruptedException {
    Process p = builder(args).start();
    return new Server(p, runs);
  }
}
