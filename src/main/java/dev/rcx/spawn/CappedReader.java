package dev.rcx.spawn;

import java.io.IOException;
import java.io.InputStream;

/**
 * Drains one blocking output stream of a process into an {@link OutputCapture}, reading (and
 * discarding) past the cap so the child never blocks on a full pipe. Runs on its own thread.
 */
final class CappedReader implements Runnable {
  private final InputStream in;
  private final OutputCapture capture;
  private final Runnable atEnd;

  CappedReader(InputStream in, OutputCapture capture, Runnable atEnd) {
    this.in = in;
    this.capture = capture;
    this.atEnd = atEnd;
  }

  @Override
  public void run() {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        capture.append(buffer, n, n);
      }
    } catch (IOException e) {
      // The stream was closed under us after a kill; what was read so far is the output.
    } finally {
      atEnd.run();
    }
  }
}
