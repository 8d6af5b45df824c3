package dev.rcx.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Default locations: the server's data directory and the client's files (known hosts,
 * configuration, cached sessions, shell history).
 */
final class DataDirs {
  private DataDirs() {}

  static Path defaultServerDir() {
    String env = System.getenv("RCX_DATA_DIR");
    return env != null && !env.isBlank() ? Path.of(env) : home().resolve(".rcx").resolve("server");
  }

  static Path defaultKnownHosts() {
    return clientDir().resolve("known_hosts");
  }

  /**
   * The client's own directory: the system property {@code rcx.home} (for tests and embedding),
   * else {@code $RCX_HOME}, else {@code ~/.rcx}.
   */
  static Path clientDir() {
    String property = System.getProperty("rcx.home");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String env = System.getenv("RCX_HOME");
    return env != null && !env.isBlank() ? Path.of(env) : home().resolve(".rcx");
  }

  /**
   * The client configuration file: {@code $RCX_CONFIG}, else {@code config.yaml} in {@link
   * #clientDir}.
   */
  static Path defaultClientConfig() {
    String env = System.getenv("RCX_CONFIG");
    return env != null && !env.isBlank() ? Path.of(env) : clientDir().resolve("config.yaml");
  }

  /**
   * Makes sure {@code dir} is a directory, creating it (and missing parents) owner-only (0700) as
   * the server does; fails with a message that names the option when it is something else.
   */
  static Path prepare(Path dir) {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return abs;
    }
    if (Files.exists(abs)) {
      throw new CliException(
          ExitCodes.FAILED,
          "data dir "
              + abs
              + " exists but is not a directory; pass --data-dir with a directory (it is created"
              + " if missing)");
    }
    try {
      Files.createDirectories(
          abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILED,
          "cannot create data dir "
              + abs
              + ": "
              + (e instanceof java.nio.file.FileSystemException fs ? Errors.file(fs) : e),
          e);
    }
    return abs;
  }

  private static Path home() {
    return Path.of(System.getProperty("user.home", "."));
  }
}
