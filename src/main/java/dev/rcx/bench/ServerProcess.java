package dev.rcx.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One {@code rcx server} running as its own process for the bench: the same classes (this JVM's
 * class path) in a new JVM, so its JIT, GC and CPU do not mix with the load generator's. Its
 * standard output and error go to {@code server.out} and {@code server.err} in its data directory;
 * {@link #start} waits for the "listening" line to learn the ephemeral port and the certificate
 * fingerprint. Its CPU time and resident memory are read from {@code /proc} ({@link ServerProbe}).
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Pattern LISTENING =
      Pattern.compile("rcx server listening on (tls|tcp)://\\S+:(\\d+) ");
  private static final Pattern FINGERPRINT =
      Pattern.compile("certificate SHA-256 fingerprint: (\\S+)");

  private final Process process;
  private final int port;
  private final @Nullable String fingerprint;

  private ServerProcess(Process process, int port, @Nullable String fingerprint) {
    this.process = process;
    this.port = port;
    this.fingerprint = fingerprint;
  }

  /**
   * Starts {@code rcx server --data-dir dataDir --config config} (plus {@code --no-tls} when {@code
   * tls} is false) and waits until it listens.
   *
   * @param javaOptions extra JVM options for the server, such as {@code -Xlog:gc:file=gc.log}
   * @throws IOException if it cannot start, exits, or does not listen within {@link
   *     #START_TIMEOUT}; the message quotes its last error line
   */
  static ServerProcess start(Path dataDir, Path config, boolean tls, List<String> javaOptions)
      throws IOException {
    Path out = dataDir.resolve("server.out");
    Path err = dataDir.resolve("server.err");
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    // The jar's manifest enables native access (the posix_spawn launcher); with -cp it is a flag.
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(javaOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.rcx.cli.Main",
            "server",
            "--data-dir",
            dataDir.toString(),
            "--config",
            config.toString()));
    if (!tls) {
      command.add("--no-tls");
    }
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      return awaitListening(p, out, err, tls);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private static ServerProcess awaitListening(Process p, Path out, Path err, boolean tls)
      throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(out, StandardCharsets.UTF_8);
      Matcher listening = LISTENING.matcher(text);
      Matcher fp = FINGERPRINT.matcher(text);
      if (listening.find() && (!tls || fp.find())) {
        return new ServerProcess(p, Integer.parseInt(listening.group(2)), tls ? fp.group(1) : null);
      }
      if (!p.isAlive()) {
        throw new IOException(
            "rcx server for the bench exited with status "
                + p.exitValue()
                + " before listening: "
                + lastLine(err));
      }
      sleep(Duration.ofMillis(50));
    }
    throw new IOException(
        "rcx server for the bench did not listen within "
            + START_TIMEOUT.toSeconds()
            + " s (see "
            + out
            + "): "
            + lastLine(err));
  }

  int port() {
    return port;
  }

  /** The certificate's SHA-256 fingerprint; null for a plaintext server. */
  @Nullable String fingerprint() {
    return fingerprint;
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited in {@link #STOP_TIMEOUT}. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String lastLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).strip();
        }
      }
      return "(" + file + " is empty)";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration d) throws IOException {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the rcx server to start", e);
    }
  }

  /** Reads {@code /proc/PID/status} fields. */
  static final class ProcStatus {
    private ProcStatus() {}

    /** The field's value in KiB, or -1 if the file or field is missing (not Linux, exited). */
    static long kib(long pid, String field) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
          if (line.startsWith(field + ":")) {
            String v = line.substring(field.length() + 1).strip();
            int space = v.indexOf(' ');
            return Long.parseLong(space < 0 ? v : v.substring(0, space));
          }
        }
      } catch (IOException | NumberFormatException e) {
        return -1;
      }
      return -1;
    }
  }
}
