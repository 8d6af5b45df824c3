package dev.rcx.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Warms the servers that run as their own process on this machine until their JIT compilers are
 * quiet, before anything is measured. A fresh JVM server keeps compiling for tens of seconds under
 * load (C2 on a busy 2-core machine: a quarter to a half of the server's CPU 15 to 40 s after its
 * start); measured then, every command pays for compiling, and a long-running server does not.
 *
 * <p>A round drives every workload of the plan against every such server for {@link #ROUND_POINT}
 * each; the servers count as warm once, over a whole round, their compiler threads used less than
 * {@link #QUIET} of each one's CPU. Rounds stop there or when the next would pass the limit ({@code
 * --server-warmup}); the outcome says which.
 */
final class ServerWarmup {
  static final Duration ROUND_POINT = Duration.ofSeconds(2);
  static final Duration MIN_POINT = Duration.ofMillis(500);
  static final double QUIET = 0.05;
  private static final int CLIENTS = 10;

  /** Runs one unmeasured point. */
  interface PointRun {
    void run(Point point, int round) throws InterruptedException;
  }

  /**
   * How the warm-up ended.
   *
   * @param took how long it ran
   * @param rounds how many rounds ran
   * @param quiet whether the last round met {@link #QUIET}
   * @param jitShare per server (transport label), the share of its CPU its compiler threads used in
   *     the last round; absent where it could not be read
   */
  record Outcome(Duration took, int rounds, boolean quiet, Map<String, Double> jitShare) {
    /** One line for the terminal, such as "servers warmed up for 26 s (4 rounds): ...". */
    String describe(Duration limit) {
      String shares =
          jitShare.entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), 100 * e.getValue()))
              .collect(Collectors.joining(", "));
      return String.format(
          Locale.ROOT,
          "servers warmed up for %d s (%d round%s); their JIT compilers used %s of their CPU in the"
              + " last round%s",
          took.toSeconds(),
          rounds,
          rounds == 1 ? "" : "s",
          shares.isEmpty() ? "an unknown share" : shares,
          quiet
              ? ""
              : String.format(
                  Locale.ROOT,
                  ": still compiling at the --server-warmup limit of %d s, so the first points"
                      + " include JIT work (see the \"of it JIT\" column)",
                  limit.toSeconds()));
    }
  }

  private ServerWarmup() {}

  /** The servers this can watch: targets whose server runs as its own process here. */
  static List<Target> watched(List<Target> targets) {
    return targets.stream().filter(t -> t.server() != null).toList();
  }

  /**
   * Runs rounds until the servers are quiet or the limit is reached; null when there is nothing to
   * do (no watched server, a zero limit, or a zero per-point warm-up, which asks for none).
   */
  static @Nullable Outcome run(
      BenchSettings settings, List<Target> targets, PointRun runner, NanoClock clock)
      throws InterruptedException {
    List<Target> watched = watched(targets);
    Duration limit = settings.serverWarmup();
    if (watched.isEmpty() || limit.isZero() || settings.warmup().isZero()) {
      return null;
    }
    int clients = Math.max(1, Math.min(CLIENTS, settings.maxClients()));
    int points = settings.workloads().size() * watched.size();
    // A limit shorter than one round shortens the points (to no less than MIN_POINT) instead.
    Duration each = limit.dividedBy(points);
    each = each.compareTo(ROUND_POINT) > 0 ? ROUND_POINT : each;
    each = each.compareTo(MIN_POINT) < 0 ? MIN_POINT : each;
    List<Point> round = new ArrayList<>();
    for (Workload w : settings.workloads()) {
      for (Target t : watched) {
        round.add(new Point(w.label(), w, t, clients, Duration.ZERO, each, null));
      }
    }
    long roundNanos = each.toNanos() * points;
    long start = clock.nanoTime();
    int rounds = 0;
    Map<String, Double> shares = Map.of();
    boolean quiet = false;
    do {
      Map<Target, ProcessCpu> before = new LinkedHashMap<>();
      for (Target t : watched) {
        before.put(t, probe(t).cpu());
      }
      rounds++;
      for (Point p : round) {
        runner.run(p, rounds);
      }
      shares = new LinkedHashMap<>();
      for (Target t : watched) {
        ProcessCpu used = probe(t).cpu().since(before.getOrDefault(t, ProcessCpu.UNKNOWN));
        if (used.ownNanos() > 0 && used.jitNanos() >= 0) {
          shares.put(t.transport(), (double) used.jitNanos() / used.ownNanos());
        }
      }
      quiet = shares.size() == watched.size() && shares.values().stream().allMatch(s -> s < QUIET);
    } while (!quiet && clock.nanoTime() - start + roundNanos <= limit.toNanos());
    return new Outcome(Duration.ofNanos(clock.nanoTime() - start), rounds, quiet, shares);
  }

  private static ServerProbe probe(Target t) {
    ServerProbe p = t.server();
    if (p == null) {
      throw new IllegalStateException("not a watched target: " + t.transport());
    }
    return p;
  }
}
