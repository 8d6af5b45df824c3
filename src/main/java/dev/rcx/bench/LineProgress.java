package dev.rcx.bench;

import java.io.PrintStream;

/**
 * {@link Progress} as one self-redrawn line: percentage, elapsed and planned seconds, and the
 * current point.
 */
final class LineProgress implements Progress {
  private static final long REDRAW_NANOS = 250_000_000L;
  private final PrintStream err;
  private final long totalMillis;
  private long lastDraw;

  LineProgress(PrintStream err, long totalMillis) {
    this.err = err;
    this.totalMillis = Math.max(1, totalMillis);
  }

  @Override
  public void update(long doneMillis, String message) {
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    long done = Math.min(doneMillis, totalMillis);
    String line =
        String.format(
            "rcx bench %3d%% %4d/%ds  %s",
            done * 100 / totalMillis, done / 1000, totalMillis / 1000, message);
    err.print("\r" + pad(line, 100));
    err.flush();
  }

  @Override
  public void close() {
    err.println();
    err.flush();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s.substring(0, width) : s + " ".repeat(width - s.length());
  }
}
