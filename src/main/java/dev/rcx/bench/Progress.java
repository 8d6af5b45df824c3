package dev.rcx.bench;

import java.io.PrintStream;

/** Shows how far a run is; called from the coordinating thread only. */
interface Progress extends AutoCloseable {
  /**
   * @param doneMillis planned milliseconds of the run behind us
   * @param message what is running now
   */
  void update(long doneMillis, String message);

  @Override
  void close();

  static Progress none() {
    return new Progress() {
      @Override
      public void update(long doneMillis, String message) {}

      @Override
      public void close() {}
    };
  }

  /**
   * A progress bar (me.tongfei:progressbar) on {@code err}; if that library cannot be loaded, for
   * example because a different JLine is on the class path, a self-drawn progress line instead.
   */
  static Progress onStream(PrintStream err, long totalMillis) {
    try {
      return new BarProgress(err, totalMillis);
    } catch (LinkageError | RuntimeException e) {
      return new LineProgress(err, totalMillis);
    }
  }
}
