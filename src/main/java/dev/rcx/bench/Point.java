package dev.rcx.bench;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One measurement: a workload against a target at a number of clients.
 *
 * @param label workload label, or {@code floor} for the local spawn floor
 * @param rate commands per second over all clients for an open loop, or null for a closed loop
 */
record Point(
    String label,
    Workload workload,
    Target target,
    int clients,
    Duration warmup,
    Duration duration,
    @Nullable Double rate) {
  Point {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(target, "target");
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be at least 1 but was " + clients);
    }
  }

  String title() {
    return label + " " + target.transport() + " x" + clients;
  }

  boolean isFloor() {
    return label.equals(PointResult.FLOOR);
  }
}
