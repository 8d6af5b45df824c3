package dev.rcx.spawn;

import java.util.concurrent.CompletableFuture;

/**
 * A process started by a {@link Launcher}. Thread-safe. Callbacks on the futures run on the
 * launcher's own threads and must not block.
 */
public interface Child {
  long pid();

  /** Whether the process leads its own process group (id = pid), which a kill can target whole. */
  default boolean ownGroup() {
    return false;
  }

  /**
   * Completes with the exit code once the process has exited and been reaped: its status, or 128
   * plus the signal number if a signal ended it.
   */
  CompletableFuture<Integer> exited();

  /**
   * Completes once both output streams have reached end of file or {@link #abandonOutput()} was
   * called.
   */
  CompletableFuture<Void> drained();

  /**
   * Sends SIGKILL to the process and every descendant the launcher can find; nothing once the
   * process is reaped.
   */
  void kill();

  /**
   * Stops reading output (something that escaped the kill still holds the pipes); {@link
   * #drained()} completes.
   */
  void abandonOutput();

  OutputCapture stdout();

  OutputCapture stderr();
}
