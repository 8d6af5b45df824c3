package dev.rcx.exec;

/**
 * Told about every command process while it runs, so that something outside the server can kill it
 * if the server dies. {@link #NONE} does nothing. Implementations are thread-safe and never block
 * for long: they are called on the launching thread and on the launcher's I/O thread.
 */
public interface ProcessGuard extends AutoCloseable {
  ProcessGuard NONE =
      new ProcessGuard() {
        @Override
        public void register(long pid, long processGroup, long startTime) {}

        @Override
        public void unregister(long pid) {}

        @Override
        public void close() {}
      };

  /**
   * A command process exists: {@code pid}, the group it leads ({@code -1} if none of its own) and
   * its start time in clock ticks since boot ({@code -1} if unknown).
   */
  void register(long pid, long processGroup, long startTime);

  /** The process has exited and been reaped: its pid may now be reused. */
  void unregister(long pid);

  /** Stops guarding; processes still registered are left alone. */
  @Override
  void close();
}
