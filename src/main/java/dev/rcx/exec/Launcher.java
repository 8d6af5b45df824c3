package dev.rcx.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts child processes. Every child gets exactly the launcher's environment, {@code /dev/null} as
 * stdin, the given working directory, and pipes for stdout and stderr that the launcher drains into
 * capped {@link OutputCapture}s; no shell is involved and no descriptor of this JVM beyond 0-2 is
 * inherited.
 */
interface Launcher {
  /**
   * Starts {@code argv}.
   *
   * @param argv an absolute executable path, then its arguments
   * @param cap bytes kept per output stream
   * @throws IOException if the process cannot be started (missing executable, bad directory, no
   *     resources)
   */
  Child launch(List<String> argv, Path workdir, int cap) throws IOException;

  /** A short name for logs and benchmarks. */
  String name();
}
