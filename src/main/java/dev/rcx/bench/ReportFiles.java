package dev.rcx.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a run.
 *
 * <ul>
 *   <li>{@code results.json}: {@link BenchResults} with snake_case field names.
 *   <li>{@code results.csv}: one row per point; see {@link #CSV_HEADER}. Latencies in milliseconds,
 *       CPU in microseconds per command; an empty cell means not measured; {@code error_codes} is
 *       {@code CODE=n} pairs separated by {@code ;}.
 *   <li>{@code report.md} with {@code throughput.png}, {@code latency-<workload>.png} and {@code
 *       tls-vs-plaintext.png}.
 * </ul>
 */
final class ReportFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ReportFiles.class);

  static final String CSV_HEADER =
      "workload,transport,clients,target_rate,seconds,commands,throughput,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,"
          + "mean_ms,tls_handshake_p50_ms,tls_handshake_p99_ms,auth_p50_ms,auth_p99_ms,errors,error_codes,"
          + "cpu_us_per_command,server_cpu_us_per_command,server_jit_us_per_command,"
          + "command_cpu_us_per_command,client_cpu_us_per_command,server_rss_mib,"
          + "tls_resumed_fraction,other_cpus,floor,efficiency";

  private ReportFiles() {}

  static List<Path> write(BenchResults results, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    files.add(
        Files.writeString(dir.resolve("results.json"), json(results), StandardCharsets.UTF_8));
    files.add(Files.writeString(dir.resolve("results.csv"), csv(results), StandardCharsets.UTF_8));
    List<String> charts = List.of();
    String problem = "";
    try {
      charts = Charts.write(results, dir);
    } catch (IOException | RuntimeException | LinkageError e) {
      // Headless JVMs without fonts cannot draw; the numbers matter more than the pictures.
      problem = e.toString();
      LOG.warn("charts not drawn: {}", problem);
    }
    charts.forEach(c -> files.add(dir.resolve(c)));
    files.add(
        Files.writeString(
            dir.resolve("report.md"),
            MarkdownReport.render(results, charts, problem),
            StandardCharsets.UTF_8));
    return files;
  }

  static String json(BenchResults results) throws IOException {
    ObjectMapper mapper =
        new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
    return mapper.writeValueAsString(results) + "\n";
  }

  static String csv(BenchResults results) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    for (PointResult p : results.points()) {
      Latency l = p.latency();
      List<String> cells =
          List.of(
              p.workload(),
              p.transport(),
              Integer.toString(p.clients()),
              num(p.targetRate()),
              num(p.seconds()),
              Long.toString(p.commands()),
              num(p.throughput()),
              num(l == null ? null : l.p50()),
              num(l == null ? null : l.p90()),
              num(l == null ? null : l.p99()),
              num(l == null ? null : l.p999()),
              num(l == null ? null : l.max()),
              num(l == null ? null : l.mean()),
              num(p.tlsHandshake() == null ? null : p.tlsHandshake().p50()),
              num(p.tlsHandshake() == null ? null : p.tlsHandshake().p99()),
              num(p.auth() == null ? null : p.auth().p50()),
              num(p.auth() == null ? null : p.auth().p99()),
              Long.toString(p.errors()),
              Cells.codes(p.errorCodes()).replace(' ', ';'),
              num(p.cpuUsPerCommand()),
              num(p.serverCpuUsPerCommand()),
              num(p.serverJitUsPerCommand()),
              num(p.commandCpuUsPerCommand()),
              num(p.clientCpuUsPerCommand()),
              num(p.serverRssMib()),
              num(p.resumedFraction()),
              num(p.otherCpus()),
              num(p.floor()),
              p.efficiency() == null ? "" : String.format(Locale.ROOT, "%.3f", p.efficiency()));
      out.append(cells.stream().map(ReportFiles::csvCell).collect(Collectors.joining(",")))
          .append('\n');
    }
    return out.toString();
  }

  private static String num(@Nullable Double v) {
    if (v == null) {
      return "";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString(v.longValue())
        : Double.toString(v);
  }

  private static String csvCell(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
