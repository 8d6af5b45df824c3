package dev.rcx.bench;

import java.io.IOException;
import java.time.Duration;

/**
 * One simulated client: asks its {@link Schedule} when the next command is due, waits for that
 * time, runs the operation and reports the latency measured from the due time (not from the moment
 * it was actually sent).
 */
final class LoadLoop {
  /**
   * After a failure a closed loop pauses this long, so a dead server is not hammered in a busy
   * loop.
   */
  static final Duration PAUSE_AFTER_FAILURE = Duration.ofMillis(10);

  /** One operation of the workload. */
  interface Operation {
    void run(Sample s) throws IOException, OperationFailedException;
  }

  /**
   * Where outcomes go; called from the loop's thread. Only operations due inside the window are
   * reported.
   */
  interface Sink {
    void success(long latencyNanos, Sample s);

    void failure(String code, String message, Sample s);

    /** Commands due in the window that an open loop had no time left to send. */
    void unsent(long count);

    /** Every finished operation, warm-up included, for the progress display. */
    default void finished() {}
  }

  private final NanoClock clock;
  private final Schedule schedule;
  private final Window window;
  private final Operation operation;
  private final Sink sink;

  LoadLoop(NanoClock clock, Schedule schedule, Window window, Operation operation, Sink sink) {
    this.clock = clock;
    this.schedule = schedule;
    this.window = window;
    this.operation = operation;
    this.sink = sink;
  }

  /** Runs until the next due time is past the window's end; returns early if interrupted. */
  void run() {
    Sample sample = new Sample(clock);
    long due = schedule.next(clock.nanoTime());
    try {
      while (due < window.end()) {
        if (clock.nanoTime() >= window.hardStop()) {
          sink.unsent(schedule.unsent(Math.max(due, window.start()), window.end()));
          return;
        }
        clock.sleepUntil(due);
        sample.reset();
        boolean ok = runOnce(sample, window.measures(due), due);
        long end = clock.nanoTime();
        if (!ok && schedule instanceof Schedule.Closed) {
          clock.sleepUntil(end + PAUSE_AFTER_FAILURE.toNanos());
        }
        due = schedule.next(ok ? end : clock.nanoTime());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean runOnce(Sample sample, boolean measured, long due) {
    String code;
    String message;
    try {
      operation.run(sample);
      if (measured) {
        sink.success(clock.nanoTime() - due, sample);
      }
      sink.finished();
      return true;
    } catch (OperationFailedException e) {
      code = e.code();
      message = e.getMessage();
    } catch (IOException e) {
      code = "IO_ERROR";
      message = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (RuntimeException e) {
      code = "CLIENT_BUG";
      message = e.toString();
    }
    if (measured) {
      sink.failure(code, message, sample);
    }
    sink.finished();
    return false;
  }
}
