package dev.rcx.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The floor: this JVM spawning the benchmark command itself with {@link ProcessBuilder} (the JDK's
 * default launch mechanism), as the server would but without any network, TLS, protocol or audit.
 * Each run gets the server's minimal environment, stdin from /dev/null and the working directory /;
 * stdout is read to the end, stderr is discarded, and the exit status is awaited.
 */
final class SpawnTarget implements Target {
  /** The environment the server gives commands (see {@code spawn.Launcher.ENVIRONMENT}). */
  static final Map<String, String> ENVIRONMENT =
      Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "HOME", "/");

  private static final List<Path> SEARCH = List.of(Path.of("/usr/bin"), Path.of("/bin"));
  private static final File DEV_NULL = new File("/dev/null");
  private static final File ROOT = new File("/");

  private final List<String> argv;

  private SpawnTarget(List<String> argv) {
    this.argv = List.copyOf(argv);
  }

  /**
   * The floor for {@code commandLine}, its first word looked up in /usr/bin and /bin like the
   * server's built-in whitelist does; empty if there is no such executable.
   */
  static Optional<SpawnTarget> forCommand(String commandLine) {
    List<String> words = Words.split(commandLine);
    String name = words.get(0);
    Optional<Path> exe =
        name.contains("/")
            ? Optional.of(Path.of(name)).filter(Files::isExecutable)
            : SEARCH.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
    return exe.map(
        p -> {
          List<String> argv = new ArrayList<>(words);
          argv.set(0, p.toString());
          return new SpawnTarget(argv);
        });
  }

  List<String> argv() {
    return argv;
  }

  @Override
  public String transport() {
    return "spawn";
  }

  @Override
  public Driver newDriver(int client) {
    return new SpawnDriver();
  }

  private final class SpawnDriver implements Driver {
    @Override
    public long connect() {
      return 0;
    }

    @Override
    public void login() {}

    @Override
    public void resume() {}

    @Override
    public void execute() throws IOException, OperationFailedException {
      ProcessBuilder pb =
          new ProcessBuilder(argv)
              .directory(ROOT)
              .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().clear();
      pb.environment().putAll(ENVIRONMENT);
      Process p = pb.start();
      try (InputStream out = p.getInputStream()) {
        out.transferTo(java.io.OutputStream.nullOutputStream());
      }
      int exit;
      try {
        exit = p.waitFor();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + argv.get(0), e);
      }
      if (exit != 0) {
        throw new OperationFailedException("EXIT_" + exit, argv.get(0) + " exited with " + exit);
      }
    }

    @Override
    public void logout() {}

    @Override
    public void disconnect() {}

    @Override
    public void close() {}
  }
}
