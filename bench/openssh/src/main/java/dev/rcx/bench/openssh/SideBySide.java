package dev.rcx.bench.openssh;

import dev.rcx.bench.BenchResults;
import dev.rcx.bench.PointResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The comparison tables: rcx beside OpenSSH per client count, with the ratio. */
final class SideBySide {
  /** The transport label of rcx's TLS server in the bench results. */
  static final String RCX = "tls";

  /** The transport label of {@link MinaSshTarget}. */
  static final String OPENSSH = "openssh";

  /**
   * Issue 4's figures for the OpenSSH client binary on these machines (commands/s): multiplexed,
   * new connection with the default key exchange, new connection with curve25519.
   */
  static final Map<Integer, double[]> ISSUE_4 =
      Map.of(
          1, new double[] {99, 4.5, 7.5},
          5, new double[] {247, 16, 34},
          10, new double[] {224, 18, 54},
          20, new double[] {208, 17, 52});

  private SideBySide() {}

  /**
   * rcx over TLS in each workload beside OpenSSH in the matching SSH shape, from one run with both
   * targets.
   */
  static Table rcxVersusOpenSsh(BenchResults results) {
    List<String> headers =
        List.of(
            "clients",
            "rcx (TLS)",
            "OpenSSH (MINA SSHD client)",
            "rcx cmd/s",
            "OpenSSH cmd/s",
            "rcx / OpenSSH",
            "rcx p50 ms",
            "OpenSSH p50 ms",
            "rcx p99 ms",
            "OpenSSH p99 ms",
            "spawn floor cmd/s",
            "errors rcx/OpenSSH");
    List<List<String>> rows = new ArrayList<>();
    for (int c : clientCounts(results)) {
      Double floor =
          find(results, PointResult.FLOOR, "spawn", c).map(PointResult::throughput).orElse(null);
      for (String workload : List.of("session", "reconnect", "login")) {
        Optional<PointResult> rcx = find(results, workload, RCX, c);
        Optional<PointResult> ssh = find(results, workload, OPENSSH, c);
        if (rcx.isEmpty() && ssh.isEmpty()) {
          continue;
        }
        rows.add(
            List.of(
                Integer.toString(c),
                rcxLabel(workload),
                sshLabel(workload),
                rcx.map(p -> rate(p.throughput())).orElse("-"),
                ssh.map(p -> rate(p.throughput())).orElse("-"),
                ratio(
                    rcx.map(PointResult::throughput).orElse(null),
                    ssh.map(PointResult::throughput).orElse(null)),
                rcx.map(SideBySide::p50).orElse("-"),
                ssh.map(SideBySide::p50).orElse("-"),
                rcx.map(SideBySide::p99).orElse("-"),
                ssh.map(SideBySide::p99).orElse("-"),
                floor == null ? "-" : rate(floor),
                rcx.map(p -> Long.toString(p.errors())).orElse("-")
                    + "/"
                    + ssh.map(p -> Long.toString(p.errors())).orElse("-")));
      }
    }
    return new Table(headers, rows, 3);
  }

  /**
   * The OpenSSH client binary's three modes per client count, issue 4's figures beside them, and
   * rcx's session and reconnect throughput (from the first run) divided by the matching binary
   * mode.
   */
  static Table sshBinary(BenchResults binary, @Nullable BenchResults rcx) {
    List<String> headers =
        List.of(
            "clients",
            "ssh mux cmd/s",
            "(issue 4)",
            "ssh new cmd/s",
            "(issue 4)",
            "ssh new c25519 cmd/s",
            "(issue 4)",
            "rcx session / ssh mux",
            "rcx reconnect / ssh new",
            "errors");
    List<List<String>> rows = new ArrayList<>();
    for (int c : clientCounts(binary)) {
      Double mux = throughput(binary, "session", SshBinaryTarget.Mode.MUX.label, c);
      Double fresh = throughput(binary, "session", SshBinaryTarget.Mode.NEW.label, c);
      Double curve = throughput(binary, "session", SshBinaryTarget.Mode.NEW_CURVE25519.label, c);
      double[] ref = ISSUE_4.get(c);
      long errors =
          binary.points().stream()
              .filter(p -> p.clients() == c)
              .mapToLong(PointResult::errors)
              .sum();
      rows.add(
          List.of(
              Integer.toString(c),
              mux == null ? "-" : rate(mux),
              ref == null ? "" : rate(ref[0]),
              fresh == null ? "-" : rate(fresh),
              ref == null ? "" : rate(ref[1]),
              curve == null ? "-" : rate(curve),
              ref == null ? "" : rate(ref[2]),
              rcx == null ? "-" : ratio(throughput(rcx, "session", RCX, c), mux),
              rcx == null ? "-" : ratio(throughput(rcx, "reconnect", RCX, c), fresh),
              Long.toString(errors)));
    }
    return new Table(headers, rows, 1);
  }

  static String rcxLabel(String workload) {
    return switch (workload) {
      case "session" -> "session: 1 connection, token";
      case "reconnect" -> "reconnect: new TLS conn + token";
      case "login" -> "login: new TLS conn + password";
      default -> workload;
    };
  }

  static String sshLabel(String workload) {
    return switch (workload) {
      case "session" -> "exec channels on 1 connection";
      case "reconnect", "login" -> "new connection + key auth";
      default -> workload;
    };
  }

  private static TreeSet<Integer> clientCounts(BenchResults r) {
    TreeSet<Integer> counts = new TreeSet<>();
    r.points().forEach(p -> counts.add(p.clients()));
    return counts;
  }

  private static Optional<PointResult> find(
      BenchResults r, String workload, String transport, int clients) {
    return r.points().stream()
        .filter(
            p ->
                p.workload().equals(workload)
                    && p.transport().equals(transport)
                    && p.clients() == clients)
        .findFirst();
  }

  private static @Nullable Double throughput(
      BenchResults r, String workload, String transport, int clients) {
    return find(r, workload, transport, clients).map(PointResult::throughput).orElse(null);
  }

  static String rate(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String ratio(@Nullable Double a, @Nullable Double b) {
    if (a == null || b == null || b <= 0) {
      return "-";
    }
    double r = a / b;
    return String.format(Locale.ROOT, r >= 10 ? "%.0fx" : "%.2fx", r);
  }

  private static String p50(PointResult p) {
    return p.latency() == null ? "-" : ms(p.latency().p50());
  }

  private static String p99(PointResult p) {
    return p.latency() == null ? "-" : ms(p.latency().p99());
  }

  static String ms(double v) {
    return v >= 100
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
  }

  /**
   * The points in which no command succeeded, as {@code workload/transport@clients}: a comparison
   * with such a point measured a failure, not a system (the CI smoke run fails on them).
   */
  static List<String> emptyPoints(BenchResults r) {
    return r.points().stream()
        .filter(p -> p.commands() == 0)
        .map(p -> p.workload() + "/" + p.transport() + "@" + p.clients())
        .toList();
  }
}
