package dev.rcx.cli;

import java.nio.file.Path;

/** Default locations: the server's data directory and the client's known-hosts file. */
final class DataDirs {
  private DataDirs() {}

  static Path defaultServerDir() {
    String env = System.getenv("RCX_DATA_DIR");
    return env != null && !env.isBlank() ? Path.of(env) : home().resolve(".rcx").resolve("server");
  }

  static Path defaultKnownHosts() {
    return home().resolve(".rcx").resolve("known_hosts");
  }

  private static Path home() {
    return Path.of(System.getProperty("user.home", "."));
  }
}
