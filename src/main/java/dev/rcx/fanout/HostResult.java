package dev.rcx.fanout;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened on one host. The command's output is not here: it streams to the caller's printer
 * as it arrives (see {@code dev.rcx.cli.FleetPrinter}), so a result stays small whatever the
 * command printed.
 *
 * @param exitCode the remote command's exit code when it ran to completion, else null
 * @param durationMs from the start of this host's task to its end (connect, login and command)
 * @param truncated whether the server cut stdout or stderr at its output cap
 * @param error why the host did not succeed, for a person; null when the command ran (even if it
 *     exited non-zero)
 */
public record HostResult(
    Target target,
    HostStatus status,
    @Nullable Integer exitCode,
    long durationMs,
    boolean truncated,
    @Nullable String error) {
  public HostResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(status, "status");
  }

  /** A host on which nothing ran, with the reason. */
  public static HostResult failed(Target target, HostStatus status, long durationMs, String error) {
    return new HostResult(target, status, null, durationMs, false, error);
  }
}
