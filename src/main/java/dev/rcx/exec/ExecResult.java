package dev.rcx.exec;

import java.time.Duration;
import java.util.Objects;

/** How a command run by {@link CommandExecutor} ended. */
public sealed interface ExecResult {

  /**
   * The process exited by itself (possibly with a non-zero code, possibly killed by a signal from
   * outside).
   */
  record Completed(int exitCode, Output output, Duration duration) implements ExecResult {
    public Completed {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * The rule's timeout passed; the whole process tree was killed. {@code output} is what came
   * before.
   */
  record TimedOut(Output output, Duration duration) implements ExecResult {
    public TimedOut {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /** {@link Execution#cancel()} was called first; the whole process tree was killed. */
  record Cancelled(Output output, Duration duration) implements ExecResult {
    public Cancelled {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * The process could not be started (for example the executable vanished); {@code reason} says
   * why.
   */
  record LaunchFailed(String reason) implements ExecResult {
    public LaunchFailed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Every execution slot stayed taken for longer than the executor's queue wait; nothing was
   * started.
   */
  record Busy() implements ExecResult {}

  /**
   * What a process wrote, decoded as UTF-8 (malformed bytes become U+FFFD).
   *
   * @param stdout the first {@code max_output} bytes of standard output
   * @param stderr the first {@code max_output} bytes of standard error
   * @param stdoutBytes how many bytes the process wrote to standard output in total
   * @param stderrBytes how many bytes the process wrote to standard error in total
   * @param truncated whether either stream had more bytes than were kept
   */
  record Output(
      String stdout, String stderr, long stdoutBytes, long stderrBytes, boolean truncated) {
    /** No output at all. */
    public static final Output EMPTY = new Output("", "", 0, 0, false);

    public Output {
      Objects.requireNonNull(stdout, "stdout");
      Objects.requireNonNull(stderr, "stderr");
    }
  }
}
