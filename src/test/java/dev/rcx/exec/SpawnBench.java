package dev.rcx.exec;

import dev.rcx.exec.ExecResult.Completed;
import dev.rcx.spawn.Child;
import dev.rcx.spawn.Launcher;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;

/**
 * How fast can this JVM spawn a command, and how much of that is rcx's own doing? A benchmark
 * program, not a test.
 *
 * <p>Closed loop: C virtual threads (the server runs one per connection) each run the command back
 * to back for the duration after a warm-up; throughput is completed commands per second, latency is
 * per command. Every mode runs {@code /bin/echo hi} with the same environment, stdin and working
 * directory, and every run checks the output. Modes, interleaved per client count so a busy
 * neighbour hurts them alike; each point is the median of the rounds:
 *
 * <ul>
 *   <li>{@code pb}: raw {@link ProcessBuilder}: start, read stdout and stderr on the caller,
 *       waitFor. This JVM's default launch mechanism (POSIX_SPAWN through jspawnhelper on Linux).
 *   <li>{@code pb-vfork}, {@code pb-fork}: the same in a child JVM with {@code
 *       -Djdk.lang.Process.launchMechanism}.
 *   <li>{@code launch-jdk}, {@code launch-native}: a {@link Launcher} alone, waiting for exit and
 *       end of output.
 *   <li>{@code exec-jdk}, {@code exec-native}: {@link CommandExecutor#run} with that launcher: the
 *       whole exec path.
 *   <li>{@code exec-vfork}: {@code exec-jdk} in a child JVM with the VFORK mechanism.
 *   <li>{@code shell}: C bash loops running the command with output to /dev/null: the machine's
 *       floor.
 * </ul>
 *
 * <p>Usage: {@code SpawnBench [--clients 1,5,10,20] [--duration 3s] [--warmup 1s] [--rounds 1]
 * [--modes a,b,...]}. Run with {@code --enable-native-access=ALL-UNNAMED} to keep the JDK's warning
 * away.
 */
public final class SpawnBench {
  private static final List<String> COMMAND = List.of("/bin/echo", "hi");
  private static final List<String> ALL_MODES =
      List.of(
          "pb",
          "pb-vfork",
          "pb-fork",
          "launch-jdk",
          "launch-native",
          "exec-jdk",
          "exec-native",
          "exec-vfork",
          "shell");
  private static final Map<String, String> CHILD_JVM =
      Map.of("pb-vfork", "VFORK:pb", "pb-fork", "FORK:pb", "exec-vfork", "VFORK:exec-jdk");
  private static final File DEV_NULL = new File("/dev/null");

  private SpawnBench() {}

  /**
   * One measured point. CPU is per command, in microseconds, from /proc/self/stat: {@code selfCpu}
   * this JVM's threads, {@code childCpu} the reaped children (the command, jspawnhelper, bash).
   * Unlike throughput, CPU per command barely moves when a neighbour loads the machine, so it is
   * the figure to compare on a shared host.
   */
  record Point(
      double perSecond, double p50Micros, double p99Micros, double selfCpu, double childCpu) {}

  @FunctionalInterface
  interface Op {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    List<Integer> clients =
        Arrays.stream(options.getOrDefault("clients", "1,5,10,20").split(","))
            .map(String::strip)
            .map(Integer::parseInt)
            .toList();
    Duration duration = duration(options.getOrDefault("duration", "3s"));
    Duration warmup = duration(options.getOrDefault("warmup", "1s"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
    List<String> modes =
        Arrays.stream(options.getOrDefault("modes", String.join(",", ALL_MODES)).split(","))
            .map(String::strip)
            .toList();
    if (options.containsKey("worker")) {
      Point p = measure(op(modes.get(0)), clients.get(0), warmup, duration);
      System.out.println(
          "POINT "
              + p.perSecond()
              + " "
              + p.p50Micros()
              + " "
              + p.p99Micros()
              + " "
              + p.selfCpu()
              + " "
              + p.childCpu());
      return;
    }
    System.out.printf(
        "# SpawnBench: %s, JDK %s, %d cpus, /bin/echo hi, %s per point after %s warm-up, %d round(s)%n",
        System.getProperty("os.arch"),
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        duration,
        warmup,
        rounds);
    Map<String, Map<Integer, List<Point>>> results = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (int c : clients) {
        for (String mode : modes) {
          Point p = point(mode, c, warmup, duration);
          results
              .computeIfAbsent(mode, m -> new LinkedHashMap<>())
              .computeIfAbsent(c, k -> new ArrayList<>())
              .add(p);
          System.err.printf(
              "round %d  C=%-3d %-14s %8.0f/s  p50 %6.0f us  p99 %6.0f us  cpu/cmd %4.0f + %4.0f us%n",
              round + 1,
              c,
              mode,
              p.perSecond(),
              p.p50Micros(),
              p.p99Micros(),
              p.selfCpu(),
              p.childCpu());
        }
      }
    }
    print(results, clients);
  }

  private static Point point(String mode, int clients, Duration warmup, Duration duration)
      throws Exception {
    if (mode.equals("shell")) {
      return shell(clients, warmup, duration);
    }
    String child = CHILD_JVM.get(mode);
    if (child != null) {
      String[] parts = child.split(":", -1);
      return inChildJvm(parts[0], parts[1], clients, warmup, duration);
    }
    return measure(op(mode), clients, warmup, duration);
  }

  private static Op op(String mode) {
    CommandRule rule =
        new CommandRule(
            "echo",
            Path.of(COMMAND.get(0)),
            List.of(),
            0,
            List.of(),
            Duration.ofSeconds(30),
            1 << 20,
            Set.of("*"),
            Set.of(),
            Path.of("/"),
            false);
    return switch (mode) {
      case "pb" -> SpawnBench::processBuilder;
      case "launch-jdk" -> launch(Launcher.jdk());
      case "launch-native" -> launch(Launcher.nativeLauncher());
      case "exec-jdk" ->
          exec(new CommandExecutor(64, Duration.ofSeconds(30), Launcher.jdk()), rule);
      case "exec-native" ->
          exec(new CommandExecutor(64, Duration.ofSeconds(30), Launcher.nativeLauncher()), rule);
      default ->
          throw new IllegalArgumentException("unknown mode '" + mode + "'; modes: " + ALL_MODES);
    };
  }

  private static void processBuilder() throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(COMMAND)
            .directory(new File("/"))
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    builder.environment().clear();
    builder.environment().putAll(Launcher.ENVIRONMENT);
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    process.getErrorStream().readAllBytes();
    check(process.waitFor(), new String(out, StandardCharsets.UTF_8));
  }

  private static Op launch(Launcher launcher) {
    return () -> {
      Child child = launcher.launch(COMMAND, Path.of("/"), 1 << 20);
      int code = child.exited().get(30, TimeUnit.SECONDS);
      child.drained().get(30, TimeUnit.SECONDS);
      check(code, child.stdout().text());
    };
  }

  private static Op exec(CommandExecutor executor, CommandRule rule) {
    return () -> {
      ExecResult result = executor.run(rule, COMMAND);
      if (!(result instanceof Completed c)) {
        throw new IllegalStateException("expected Completed, got " + result);
      }
      check(c.exitCode(), c.output().stdout());
    };
  }

  private static void check(int exitCode, String stdout) {
    if (exitCode != 0 || !stdout.equals("hi\n")) {
      throw new IllegalStateException(
          "echo hi gave exit code " + exitCode + " and output '" + stdout + "'");
    }
  }

  static Point measure(Op op, int clients, Duration warmup, Duration duration)
      throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      threads.add(
          Thread.ofVirtual()
              .name("bench-" + i)
              .start(
                  () -> {
                    while (!stop.get() && failure.get() == null) {
                      long start = System.nanoTime();
                      try {
                        op.run();
                      } catch (Exception e) {
                        failure.compareAndSet(null, e);
                        return;
                      }
                      recorder.recordValue((System.nanoTime() - start) / 1000);
                    }
                  }));
    }
    Thread.sleep(warmup);
    recorder.getIntervalHistogram();
    long[] cpuBefore = cpuTicks();
    long start = System.nanoTime();
    Thread.sleep(duration);
    var histogram = recorder.getIntervalHistogram();
    long elapsed = System.nanoTime() - start;
    long[] cpuAfter = cpuTicks();
    stop.set(true);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(60));
    }
    if (failure.get() != null) {
      throw new IllegalStateException("benchmark operation failed", failure.get());
    }
    long count = Math.max(1, histogram.getTotalCount());
    return new Point(
        histogram.getTotalCount() * 1e9 / elapsed,
        histogram.getValueAtPercentile(50),
        histogram.getValueAtPercentile(99),
        micros(cpuAfter[0] - cpuBefore[0]) / count,
        micros(cpuAfter[1] - cpuBefore[1]) / count);
  }

  /** {self, children} CPU time in clock ticks (utime+stime, cutime+cstime) from /proc/self/stat. */
  private static long[] cpuTicks() {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
      // Fields after the command: state is index 0, so utime (field 14) is index 11.
      return new long[] {
        Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])
      };
    } catch (IOException e) {
      return new long[] {0, 0};
    }
  }

  /** Clock ticks to microseconds; USER_HZ is 100 on Linux. */
  private static double micros(long ticks) {
    return ticks * 10_000.0;
  }

  /**
   * C bash loops, each counting its runs of the command until the deadline; latency is not
   * measured.
   */
  private static Point shell(int clients, Duration warmup, Duration duration)
      throws IOException, InterruptedException {
    String script =
        """
        sleep %s
        start=$EPOCHREALTIME; end=$(( ${start/./} + %d )); n=0
        while (( ${EPOCHREALTIME/./} < end )); do /bin/echo hi >/dev/null; n=$((n+1)); done
        echo "$n $start $EPOCHREALTIME"
        """
            .formatted(warmup.toMillis() / 1000.0, duration.toNanos() / 1000);
    long[] cpuBefore = cpuTicks();
    List<Process> loops = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      loops.add(new ProcessBuilder("/bin/bash", "-c", script).redirectErrorStream(true).start());
    }
    double total = 0;
    long runs = 0;
    for (Process loop : loops) {
      String[] f =
          new String(loop.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
              .strip()
              .split(" ", -1);
      loop.waitFor();
      runs += Long.parseLong(f[0]);
      total += Long.parseLong(f[0]) / (Double.parseDouble(f[2]) - Double.parseDouble(f[1]));
    }
    long[] cpuAfter = cpuTicks();
    return new Point(
        total,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        micros(cpuAfter[1] - cpuBefore[1]) / Math.max(1, runs));
  }

  private static Point inChildJvm(
      String mechanism, String mode, int clients, Duration warmup, Duration duration)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.lang.Process.launchMechanism=" + mechanism,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                SpawnBench.class.getName(),
                "--worker",
                "",
                "--modes",
                mode,
                "--clients",
                String.valueOf(clients),
                "--warmup",
                warmup.toMillis() + "ms",
                "--duration",
                duration.toMillis() + "ms"));
    Process jvm =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jvm.waitFor();
    for (String line : output.lines().toList()) {
      if (line.startsWith("POINT ")) {
        String[] f = line.split(" ", -1);
        return new Point(
            Double.parseDouble(f[1]),
            Double.parseDouble(f[2]),
            Double.parseDouble(f[3]),
            Double.parseDouble(f[4]),
            Double.parseDouble(f[5]));
      }
    }
    throw new IllegalStateException(
        "child JVM (" + mechanism + ", " + mode + ") printed no result: " + output);
  }

  private static void print(Map<String, Map<Integer, List<Point>>> results, List<Integer> clients) {
    StringBuilder header = new StringBuilder("| mode |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int c : clients) {
      header.append(" C=").append(c).append(" /s | p50 us |");
      rule.append("---:|---:|");
    }
    System.out.println(header);
    System.out.println(rule);
    Map<Integer, Double> base = new LinkedHashMap<>();
    for (var mode : results.entrySet()) {
      StringBuilder row = new StringBuilder("| " + mode.getKey() + " |");
      for (int c : clients) {
        Point p = median(mode.getValue().get(c));
        if (mode.getKey().equals("pb")) {
          base.put(c, p.perSecond());
        }
        row.append(
            String.format(
                " %.0f | %s |",
                p.perSecond(),
                Double.isNaN(p.p50Micros()) ? "-" : String.format("%.0f", p.p50Micros())));
      }
      System.out.println(row);
    }
    System.out.println();
    System.out.println(
        "CPU per command, microseconds: this JVM + its children (command, jspawnhelper, bash):");
    StringBuilder cpuHeader = new StringBuilder("| mode |");
    clients.forEach(c -> cpuHeader.append(" C=").append(c).append(" |"));
    System.out.println(cpuHeader);
    System.out.println("|---|" + "---:|".repeat(clients.size()));
    for (var mode : results.entrySet()) {
      StringBuilder row = new StringBuilder("| " + mode.getKey() + " |");
      for (int c : clients) {
        Point p = median(mode.getValue().get(c));
        row.append(
            Double.isNaN(p.selfCpu())
                ? String.format(" - + %.0f |", p.childCpu())
                : String.format(" %.0f + %.0f |", p.selfCpu(), p.childCpu()));
      }
      System.out.println(row);
    }
    if (base.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("Throughput relative to pb (the JVM default spawn floor):");
    for (var mode : results.entrySet()) {
      StringBuilder row = new StringBuilder(String.format("  %-14s", mode.getKey()));
      for (int c : clients) {
        row.append(
            String.format(
                "  C=%d %.2fx", c, median(mode.getValue().get(c)).perSecond() / base.get(c)));
      }
      System.out.println(row);
    }
  }

  private static Point median(List<Point> points) {
    List<Point> sorted =
        points.stream().sorted((a, b) -> Double.compare(a.perSecond(), b.perSecond())).toList();
    return sorted.get(sorted.size() / 2);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException(
            "expected an option like --clients, got '" + args[i] + "'");
      }
      String key = args[i].substring(2);
      String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "";
      options.put(key, value);
    }
    return options;
  }

  private static Duration duration(String text) {
    String t = text.strip();
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
    }
    throw new IllegalArgumentException("duration must end in s or ms, was '" + text + "'");
  }
}
