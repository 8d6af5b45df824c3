package dev.rcx.spawn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts child processes. Every child gets exactly {@link #ENVIRONMENT}, {@code /dev/null} as
 * stdin, the given working directory, and pipes for stdout and stderr that the launcher drains into
 * capped {@link OutputCapture}s; no shell is involved and no descriptor of this JVM beyond 0-2 is
 * inherited.
 *
 * <p>Two implementations, both package-private: the native one ({@code posix_spawn} through the
 * foreign function API, one I/O thread for all children) and the JDK's {@link ProcessBuilder}.
 * {@link #configured()} picks one per JVM from the system property {@code rcx.exec.launcher}.
 */
public interface Launcher {
  /** The complete environment of every child process: nothing of the server's is inherited. */
  Map<String, String> ENVIRONMENT =
      Map.of(
          "PATH", "/usr/bin:/bin",
          "LANG", "C.UTF-8",
          "LC_ALL", "C.UTF-8",
          "HOME", "/");

  /**
   * Starts {@code argv}.
   *
   * @param argv an absolute executable path, then its arguments
   * @param cap bytes kept per output stream
   * @throws IOException if the process cannot be started (missing executable, bad directory, no
   *     resources)
   */
  Child launch(List<String> argv, Path workdir, int cap) throws IOException;

  /** A short name for logs and benchmarks: {@code native} or {@code jdk}. */
  String name();

  /**
   * The launcher the system property {@code rcx.exec.launcher} asks for ({@code auto}, the default;
   * {@code native}; {@code jdk}), created on first use and then shared by the whole JVM.
   *
   * @throws IllegalArgumentException if the property has another value
   */
  static Launcher configured() {
    return Launchers.configured();
  }

  /** The native launcher, created on first use and then shared by the whole JVM. */
  static Launcher nativeLauncher() throws UnsupportedOperationException {
    return Launchers.nativeLauncher();
  }

  /** A launcher that uses the JDK's {@link ProcessBuilder}. */
  static Launcher jdk() {
    return Launchers.jdk();
  }
}
