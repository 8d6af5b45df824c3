package dev.rcx.cli;

import java.nio.file.Path;

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

  /** The client's own directory: {@code $RCX_HOME}, else {@code ~/.rcx}. */
  static Path clientDir() {
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

  private static Path home() {
    return Path.of(System.getProperty("user.home", "."));
  }
}
