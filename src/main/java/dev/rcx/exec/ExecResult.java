package dev.rcx.exec;

import java.nio.charset.StandardCharsets;
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
   * What a process wrote: the exact bytes kept (the first {@code max_output} of each stream) and
   * how many it wrote in all. Immutable; the byte accessors return copies.
   */
  final class Output {
    /** No output at all. */
    public static final Output EMPTY = new Output(new byte[0], new byte[0], 0, 0, false);

    private final byte[] stdout;
    private final byte[] stderr;
    private final long stdoutBytes;
    private final long stderrBytes;
    private final boolean truncated;

    private Output(
        byte[] stdout, byte[] stderr, long stdoutBytes, long stderrBytes, boolean truncated) {
      this.stdout = stdout;
      this.stderr = stderr;
      this.stdoutBytes = stdoutBytes;
      this.stderrBytes = stderrBytes;
      this.truncated = truncated;
    }

    /**
     * @param stdout the first {@code max_output} bytes of standard output (copied)
     * @param stderr the first {@code max_output} bytes of standard error (copied)
     * @param stdoutBytes how many bytes the process wrote to standard output in total
     * @param stderrBytes how many bytes the process wrote to standard error in total
     * @param truncated whether either stream had more bytes than were kept
     */
    public static Output of(
        byte[] stdout, byte[] stderr, long stdoutBytes, long stderrBytes, boolean truncated) {
      return new Output(stdout.clone(), stderr.clone(), stdoutBytes, stderrBytes, truncated);
    }

    /** {@link #of} without the copies, for arrays nobody else holds. */
    static Output owning(
        byte[] stdout, byte[] stderr, long stdoutBytes, long stderrBytes, boolean truncated) {
      return new Output(stdout, stderr, stdoutBytes, stderrBytes, truncated);
    }

    /** The kept standard output, exactly as written. */
    public byte[] stdoutData() {
      return stdout.clone();
    }

    /** The kept standard error, exactly as written. */
    public byte[] stderrData() {
      return stderr.clone();
    }

    /** The kept standard output decoded as UTF-8, malformed bytes replaced by U+FFFD. */
    public String stdout() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** The kept standard error decoded as UTF-8, malformed bytes replaced by U+FFFD. */
    public String stderr() {
      return new String(stderr, StandardCharsets.UTF_8);
    }

    /** How many bytes the process wrote to standard output in total. */
    public long stdoutBytes() {
      return stdoutBytes;
    }

    /** How many bytes the process wrote to standard error in total. */
    public long stderrBytes() {
      return stderrBytes;
    }

    /** Whether either stream had more bytes than were kept. */
    public boolean truncated() {
      return truncated;
    }

    @Override
    public String toString() {
      return "Output[stdout="
          + stdout.length
          + "/"
          + stdoutBytes
          + " bytes, stderr="
          + stderr.length
          + "/"
          + stderrBytes
          + " bytes, truncated="
          + truncated
          + "]";
    }
  }
}
