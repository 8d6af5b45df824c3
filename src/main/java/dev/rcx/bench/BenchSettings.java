package dev.rcx.bench;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code rcx bench} measures.
 *
 * @param workloads the workloads, in the order to run them
 * @param clients the client counts for each workload
 * @param warmup the unmeasured start of each point
 * @param duration the measured part of each point
 * @param command the command line each operation runs
 * @param rate for an open loop, commands per second over all clients; null for a closed loop
 * @param floor whether to measure the local spawn floor at each client count
 * @param progress whether to show a progress bar on stderr
 * @param serverWarmup the longest unmeasured warm-up of servers that run as their own process on
 *     this machine, before the first point ({@link ServerWarmup}); zero for none
 */
public record BenchSettings(
    List<Workload> workloads,
    Map<Workload, List<Integer>> clients,
    Duration warmup,
    Duration duration,
    String command,
    @Nullable Double rate,
    boolean floor,
    boolean progress,
    Duration serverWarmup) {

  /** The default of {@code --server-warmup}. */
  public static final Duration DEFAULT_SERVER_WARMUP = Duration.ofMinutes(2);

  /** Settings with the default server warm-up. */
  public BenchSettings(
      List<Workload> workloads,
      Map<Workload, List<Integer>> clients,
      Duration warmup,
      Duration duration,
      String command,
      @Nullable Double rate,
      boolean floor,
      boolean progress) {
    this(
        workloads,
        clients,
        warmup,
        duration,
        command,
        rate,
        floor,
        progress,
        DEFAULT_SERVER_WARMUP);
  }

  public BenchSettings {
    workloads = List.copyOf(workloads);
    if (workloads.isEmpty()) {
      throw new IllegalArgumentException("--workload: at least one workload is needed");
    }
    EnumMap<Workload, List<Integer>> copy = new EnumMap<>(Workload.class);
    for (Workload w : workloads) {
      List<Integer> counts = clients.get(w);
      if (counts == null || counts.isEmpty()) {
        throw new IllegalArgumentException("--clients: no client counts for workload " + w.label());
      }
      counts.forEach(BenchOptions::checkClients);
      copy.put(w, List.copyOf(counts));
    }
    clients = Collections.unmodifiableMap(copy);
    Words.split(Objects.requireNonNull(command, "command"));
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup: must not be negative, but was " + warmup);
    }
    if (serverWarmup.isNegative()) {
      throw new IllegalArgumentException(
          "--server-warmup: must not be negative, but was " + serverWarmup);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration: must be positive, but was " + duration);
    }
    if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
      throw new IllegalArgumentException(
          "--rate: must be a positive number of commands per second, but was " + rate);
    }
  }

  /** The largest client count of any workload. */
  public int maxClients() {
    return clients.values().stream()
        .flatMap(List::stream)
        .mapToInt(Integer::intValue)
        .max()
        .orElse(1);
  }
}
