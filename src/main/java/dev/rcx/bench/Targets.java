package dev.rcx.bench;

import java.util.List;
import java.util.Objects;

/**
 * The systems a run measures, each at every workload and client count.
 *
 * @param targets in the order to measure them at each point; transports should differ
 * @param serverInProcess whether the servers run in this JVM (so their CPU time can be estimated)
 * @param description where the servers are, for the report
 */
public record Targets(List<Target> targets, boolean serverInProcess, String description) {
  public Targets {
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("at least one target is needed");
    }
    Objects.requireNonNull(description, "description");
  }
}
