package dev.rcx.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@code rcx bench}: runs the plan, then writes and prints the results.
 *
 * <pre>{@code
 * try (SelfHosted servers = SelfHosted.start(settings.maxClients())) {
 *   Targets targets = new Targets(List.of(servers.tlsTarget(cmd), servers.plaintextTarget(cmd)), true, "in-process");
 *   BenchResults results = Bench.run(settings, targets, "rcx bench", System.err);
 *   System.out.print(Bench.table(results));
 *   Bench.write(results, Path.of("bench-out"));
 * }
 * }</pre>
 *
 * <p>The plan, for each client count in increasing order: the spawn floor (if asked for), then each
 * workload that uses this count, against each target in turn. Keeping a count's points together
 * means the floor and the TLS and plaintext figures they are compared with are measured minutes
 * apart at most.
 */
public final class Bench {
  /** Length of each JIT warm-up point; see {@link #warmups}. */
  static final Duration WARMUP_POINT = Duration.ofSeconds(1);

  private Bench() {}

  /**
   * Runs every point and returns the figures.
   *
   * @param commandLine the command to print in the report as what produced it
   * @param err where the progress bar and warnings go
   */
  public static BenchResults run(
      BenchSettings settings, Targets targets, String commandLine, PrintStream err)
      throws InterruptedException {
    return run(settings, targets, commandLine, err, NanoClock.SYSTEM);
  }

  static BenchResults run(
      BenchSettings settings, Targets targets, String commandLine, PrintStream err, NanoClock clock)
      throws InterruptedException {
    Instant started = Instant.now();
    double loadStart = loadAverage();
    int cpus = Runtime.getRuntime().availableProcessors();
    if (loadStart > cpus / 2.0) {
      err.printf(
          "rcx bench: the load average is %.1f on %d CPUs: other work is running, so the figures will be noisy%n",
          loadStart, cpus);
    }
    Target floor = null;
    if (settings.floor()) {
      Optional<SpawnTarget> spawn = SpawnTarget.forCommand(settings.command());
      if (spawn.isEmpty()) {
        err.println(
            "rcx bench: no spawn floor: '"
                + settings.command()
                + "' names no executable in /usr/bin or /bin");
      }
      floor = spawn.orElse(null);
    }
    List<Point> warmups = warmups(settings, targets.targets(), floor);
    List<Point> plan = plan(settings, targets.targets(), floor);
    long pointMillis = settings.warmup().plus(settings.duration()).toMillis();
    long serverWarmupMillis =
        ServerWarmup.watched(targets.targets()).isEmpty() || settings.warmup().isZero()
            ? 0
            : settings.serverWarmup().toMillis();
    long total =
        warmups.stream().mapToLong(p -> p.duration().toMillis()).sum()
            + serverWarmupMillis
            + plan.size() * pointMillis;
    PointRunner runner = new PointRunner(clock);
    List<PointResult> results = new ArrayList<>();
    ServerWarmup.Outcome warm;
    try (Progress progress =
        settings.progress() ? Progress.onStream(err, total) : Progress.none()) {
      long base = 0;
      for (Point point : warmups) {
        run(runner, point, targets, progress, base, "[JIT warm-up] " + point.title());
        base += point.duration().toMillis();
      }
      long warmBase = base;
      long[] roundMillis = {0};
      warm =
          ServerWarmup.run(
              settings,
              targets.targets(),
              (point, round) -> {
                run(
                    runner,
                    point,
                    targets,
                    progress,
                    Math.min(warmBase + roundMillis[0], warmBase + serverWarmupMillis),
                    "[server warm-up, round " + round + "] " + point.title());
                roundMillis[0] += point.duration().toMillis();
              },
              clock);
      base += serverWarmupMillis;
      for (int i = 0; i < plan.size(); i++) {
        Point point = plan.get(i);
        String title = "[" + (i + 1) + "/" + plan.size() + "] " + point.title();
        results.add(run(runner, point, targets, progress, base, title));
        base += pointMillis;
      }
    }
    if (warm != null) {
      err.println("rcx bench: " + warm.describe(settings.serverWarmup()));
    }
    results = withFloor(results);
    return new BenchResults(
        new BenchResults.Meta(
            commandLine,
            warm == null
                ? targets.description()
                : targets.description() + "; " + warm.describe(settings.serverWarmup()),
            started.toString(),
            Instant.now().toString(),
            loadStart,
            loadAverage(),
            Machine.current()),
        settingsView(settings),
        results,
        tlsOverhead(results));
  }

  /** The results as a plain-text table, for a terminal. */
  public static String table(BenchResults results) {
    return TextTable.render(results);
  }

  /**
   * Writes {@code results.json}, {@code results.csv}, {@code report.md} and its PNG charts into
   * {@code dir} (created if missing); returns the files written.
   */
  public static List<Path> write(BenchResults results, Path dir) throws IOException {
    return ReportFiles.write(results, dir);
  }

  private static PointResult run(
      PointRunner runner, Point point, Targets targets, Progress progress, long base, String title)
      throws InterruptedException {
    long planned = point.warmup().plus(point.duration()).toMillis();
    boolean inProcess = targets.serverInProcess() && !point.isFloor();
    return runner.run(
        point,
        inProcess,
        (elapsed, ops) ->
            progress.update(
                base + Math.min(elapsed.toMillis(), planned),
                title + rate(ops, elapsed.toMillis())));
  }

  /**
   * Unreported points run first so the JIT has compiled the client, server and spawn paths before
   * anything is measured: {@link #WARMUP_POINT} at 2 clients for each workload and target, and the
   * floor. Skipped with a zero warm-up.
   */
  static List<Point> warmups(BenchSettings s, List<Target> targets, @Nullable Target floor) {
    List<Point> out = new ArrayList<>();
    if (s.warmup().isZero()) {
      return out;
    }
    if (floor != null) {
      out.add(
          new Point(
              PointResult.FLOOR, Workload.SESSION, floor, 2, Duration.ZERO, WARMUP_POINT, null));
    }
    for (Workload w : s.workloads()) {
      for (Target t : targets) {
        out.add(new Point(w.label(), w, t, 2, Duration.ZERO, WARMUP_POINT, null));
      }
    }
    return out;
  }

  static List<Point> plan(BenchSettings s, List<Target> targets, @Nullable Target floor) {
    TreeSet<Integer> counts = new TreeSet<>();
    s.clients().values().forEach(counts::addAll);
    List<Point> plan = new ArrayList<>();
    for (int c : counts) {
      if (floor != null) {
        plan.add(
            new Point(
                PointResult.FLOOR, Workload.SESSION, floor, c, s.warmup(), s.duration(), null));
      }
      for (Workload w : s.workloads()) {
        if (s.clients().getOrDefault(w, List.of()).contains(c)) {
          for (Target t : targets) {
            plan.add(new Point(w.label(), w, t, c, s.warmup(), s.duration(), s.rate()));
          }
        }
      }
    }
    return plan;
  }

  private static double loadAverage() {
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? -1 : Math.round(load * 100) / 100.0;
  }

  private static String rate(long ops, long millis) {
    return millis <= 0 ? "" : String.format("  %.0f ops/s", ops * 1000.0 / millis);
  }

  static List<PointResult> withFloor(List<PointResult> results) {
    Map<Integer, Double> floors = new HashMap<>();
    for (PointResult r : results) {
      if (r.measuresFloor()) {
        floors.put(r.clients(), r.throughput());
      }
    }
    List<PointResult> out = new ArrayList<>();
    for (PointResult r : results) {
      Double f = floors.get(r.clients());
      out.add(r.measuresFloor() || f == null ? r : r.withFloor(f));
    }
    return out;
  }

  static List<TlsOverhead> tlsOverhead(List<PointResult> results) {
    List<TlsOverhead> out = new ArrayList<>();
    for (PointResult tls : results) {
      if (!tls.transport().equals("tls")) {
        continue;
      }
      for (PointResult plain : results) {
        if (plain.transport().equals("plaintext")
            && plain.workload().equals(tls.workload())
            && plain.clients() == tls.clients()
            && plain.throughput() > 0) {
          double ratio = Math.round(tls.throughput() / plain.throughput() * 1000) / 1000.0;
          out.add(
              new TlsOverhead(
                  tls.workload(), tls.clients(), tls.throughput(), plain.throughput(), ratio));
        }
      }
    }
    return out;
  }

  private static BenchResults.Settings settingsView(BenchSettings s) {
    Map<String, List<Integer>> clients = new LinkedHashMap<>();
    s.clients().forEach((w, c) -> clients.put(w.label(), c));
    return new BenchResults.Settings(
        s.workloads().stream().map(Workload::label).toList(),
        clients,
        dev.rcx.config.Durations.format(s.warmup()),
        dev.rcx.config.Durations.format(s.duration()),
        s.command(),
        s.rate(),
        s.floor());
  }
}
