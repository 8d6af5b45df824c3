package dev.rcx.bench;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything one {@code rcx bench} run measured; written as {@code results.json}.
 *
 * @param meta how, where and when
 * @param settings what was asked
 * @param points one result per point, floor included, in the order run
 * @param tlsOverhead TLS versus plaintext for each workload and client count measured both ways
 */
public record BenchResults(
    Meta meta, Settings settings, List<PointResult> points, List<TlsOverhead> tlsOverhead) {
  public BenchResults {
    points = List.copyOf(points);
    tlsOverhead = List.copyOf(tlsOverhead);
  }

  /**
   * @param commandLine the command that produced the run
   * @param mode where the servers were
   * @param startedAt ISO-8601 instant
   * @param finishedAt ISO-8601 instant
   * @param loadStart the system's 1-minute load average when the run started (-1 if unknown):
   *     anything well above 0 means other work was running
   * @param loadEnd the same when it finished, which includes the run's own load
   */
  public record Meta(
      String commandLine,
      String mode,
      String startedAt,
      String finishedAt,
      double loadStart,
      double loadEnd,
      Machine machine) {}

  /** {@link BenchSettings} in plain values. */
  public record Settings(
      List<String> workloads,
      Map<String, List<Integer>> clients,
      String warmup,
      String duration,
      String command,
      @Nullable Double rate,
      boolean floor) {}
}
