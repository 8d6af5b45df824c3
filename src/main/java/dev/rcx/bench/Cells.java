package dev.rcx.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The columns shared by the terminal table, the CSV file and the Markdown report, formatted the
 * same way.
 */
final class Cells {
  static final List<String> HEADERS =
      List.of(
          "workload",
          "transport",
          "clients",
          "cmd/s",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "p99.9 ms",
          "max ms",
          "TLS hs p50 ms",
          "auth p50 ms",
          "errors",
          "server CPU us/cmd",
          "of it JIT",
          "command CPU us/cmd",
          "client CPU us/cmd",
          "server RSS MiB",
          "TLS resumed",
          "other CPUs",
          "floor cmd/s",
          "efficiency");

  private Cells() {}

  static List<String> row(PointResult r) {
    Latency l = r.latency();
    return List.of(
        r.workload(),
        r.transport(),
        Integer.toString(r.clients()),
        rate(r.throughput()),
        ms(l == null ? null : l.p50()),
        ms(l == null ? null : l.p90()),
        ms(l == null ? null : l.p99()),
        ms(l == null ? null : l.p999()),
        ms(l == null ? null : l.max()),
        ms(r.tlsHandshake() == null ? null : r.tlsHandshake().p50()),
        ms(r.auth() == null ? null : r.auth().p50()),
        errors(r),
        us(r.serverCpuUsPerCommand()),
        us(r.serverJitUsPerCommand()),
        us(r.commandCpuUsPerCommand()),
        us(r.clientCpuUsPerCommand()),
        r.serverRssMib() == null ? "-" : String.format(Locale.ROOT, "%.0f", r.serverRssMib()),
        r.resumedFraction() == null
            ? "-"
            : String.format(Locale.ROOT, "%.0f%%", 100 * r.resumedFraction()),
        r.otherCpus() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.otherCpus()),
        r.floor() == null ? "-" : rate(r.floor()),
        r.efficiency() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.efficiency()));
  }

  static String rate(double perSecond) {
    return String.format(Locale.ROOT, perSecond >= 100 ? "%.0f" : "%.1f", perSecond);
  }

  static String us(@Nullable Double us) {
    return us == null ? "-" : String.format(Locale.ROOT, "%.0f", us);
  }

  static String ms(@Nullable Double ms) {
    return ms == null ? "-" : String.format(Locale.ROOT, "%.2f", ms);
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.3f", r);
  }

  static String errors(PointResult r) {
    if (r.errors() == 0) {
      return "0";
    }
    return r.errors() + " (" + codes(r.errorCodes()) + ")";
  }

  static String codes(Map<String, Long> codes) {
    return codes.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }
}
