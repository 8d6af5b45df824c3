package dev.rcx.fanout;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened on one host.
 *
 * @param exitCode the remote command's exit code when it ran to completion, else null
 * @param durationMs from the start of this host's task to its end (connect, login and command)
 * @param stdout the command's standard output as text, invalid UTF-8 replaced ("" when it did not
 *     run)
 * @param stderr the command's standard error
 * @param truncated whether the server cut stdout or stderr at its output cap
 * @param error why the host did not succeed, for a person; null when the command ran (even if it
 *     exited non-zero)
 */
public record HostResult(
    Target target,
    HostStatus status,
    @Nullable Integer exitCode,
    long durationMs,
    String stdout,
    String stderr,
    boolean truncated,
    @Nullable String error) {
  public HostResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** A host on which nothing ran, with the reason. */
  public static HostResult failed(Target target, HostStatus status, long durationMs, String error) {
    return new HostResult(target, status, null, durationMs, "", "", false, error);
  }
}
