package dev.rcx.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;

/**
 * PNG charts of a run, drawn with XChart: throughput, latency percentiles per workload, TLS versus
 * plaintext.
 */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 540;

  private Charts() {}

  /**
   * Writes the charts into {@code dir}; returns their file names, in the order the report shows
   * them.
   */
  static List<String> write(BenchResults results, Path dir) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    List<String> files = new ArrayList<>();
    save(throughput(results), dir, "throughput.png", files);
    for (String workload : workloads(results)) {
      save(latency(results, workload), dir, "latency-" + workload + ".png", files);
    }
    if (!results.tlsOverhead().isEmpty()) {
      save(tlsVersusPlaintext(results), dir, "tls-vs-plaintext.png", files);
    }
    return files;
  }

  private static void save(Chart<?, ?> chart, Path dir, String name, List<String> files)
      throws IOException {
    // XChart 4 deprecates every saveBitmap; this is what they do, without the deprecated call.
    if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", dir.resolve(name).toFile())) {
      throw new IOException("no PNG writer in this runtime for " + dir.resolve(name));
    }
    files.add(name);
  }

  static XYChart throughput(BenchResults results) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title("Throughput vs clients (" + results.settings().command() + ")")
            .xAxisTitle("clients")
            .yAxisTitle("commands/s")
            .build();
    Map<String, List<PointResult>> series = new LinkedHashMap<>();
    for (PointResult p : results.points()) {
      String name =
          p.measuresFloor() ? "floor (local ProcessBuilder)" : p.workload() + " " + p.transport();
      series.computeIfAbsent(name, k -> new ArrayList<>()).add(p);
    }
    series.forEach(
        (name, points) -> {
          PointResult first = points.get(0);
          XYSeries xy = addXY(chart, name, points, PointResult::throughput);
          xy.setLineStyle(line(first.transport()));
          xy.setLineColor(color(first.workload()));
          xy.setMarkerColor(color(first.workload()));
        });
    style(
        chart,
        results.points().stream().mapToDouble(PointResult::throughput).toArray(),
        maxClients(results));
    return chart;
  }

  /** The latency of a point kept for a latency chart (points without one are left out). */
  private static Latency measured(PointResult p) {
    return Objects.requireNonNull(p.latency(), "a point without latency in a latency chart");
  }

  static XYChart latency(BenchResults results, String workload) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title("Latency percentiles vs clients: " + workload)
            .xAxisTitle("clients")
            .yAxisTitle("ms (from intended send time)")
            .build();
    Map<String, List<PointResult>> byTransport = new LinkedHashMap<>();
    for (PointResult p : results.points()) {
      if (p.workload().equals(workload) && p.latency() != null) {
        byTransport.computeIfAbsent(p.transport(), k -> new ArrayList<>()).add(p);
      }
    }
    List<Double> all = new ArrayList<>();
    byTransport.forEach(
        (transport, points) -> {
          boolean full = transport.equals("tls") || byTransport.size() == 1;
          percentile(chart, transport, "p50", points, p -> measured(p).p50(), PERCENTILE_COLORS[0]);
          if (full) {
            percentile(
                chart, transport, "p90", points, p -> measured(p).p90(), PERCENTILE_COLORS[1]);
          }
          percentile(chart, transport, "p99", points, p -> measured(p).p99(), PERCENTILE_COLORS[2]);
          if (full) {
            percentile(
                chart, transport, "p99.9", points, p -> measured(p).p999(), PERCENTILE_COLORS[3]);
          }
          points.forEach(p -> all.addAll(List.of(measured(p).p50(), measured(p).p999())));
        });
    style(chart, all.stream().mapToDouble(Double::doubleValue).toArray(), maxClients(results));
    return chart;
  }

  static CategoryChart tlsVersusPlaintext(BenchResults results) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title("TLS vs plaintext: throughput with TLS as % of without")
            .xAxisTitle("clients")
            .yAxisTitle("% of plaintext throughput")
            .build();
    TreeSet<Integer> clients = new TreeSet<>();
    results.tlsOverhead().forEach(o -> clients.add(o.clients()));
    Map<String, Map<Integer, Double>> byWorkload = new LinkedHashMap<>();
    for (TlsOverhead o : results.tlsOverhead()) {
      byWorkload
          .computeIfAbsent(o.workload(), k -> new LinkedHashMap<>())
          .put(o.clients(), o.ratio() * 100);
    }
    List<String> x = clients.stream().map(String::valueOf).toList();
    byWorkload.forEach(
        (workload, ratios) ->
            chart.addSeries(
                workload, x, clients.stream().map(c -> ratios.getOrDefault(c, 0.0)).toList()));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisDecimalPattern("0");
    return chart;
  }

  private static void percentile(
      XYChart chart,
      String transport,
      String name,
      List<PointResult> points,
      ToDoubleFunction<PointResult> y,
      Color color) {
    XYSeries xy = addXY(chart, transport + " " + name, points, y);
    xy.setLineStyle(line(transport));
    xy.setLineColor(color);
    xy.setMarkerColor(color);
  }

  /** Solid for TLS, dashed for plaintext, so the two read as a pair; the floor solid too. */
  private static BasicStroke line(String transport) {
    return switch (transport) {
      case "plaintext" -> SeriesLines.DASH_DASH;
      case "tls", "spawn" -> SeriesLines.SOLID;
      default -> SeriesLines.DOT_DOT;
    };
  }

  /** One colour per workload; black for the floor. */
  private static Color color(String workload) {
    return switch (workload) {
      case PointResult.FLOOR -> Color.BLACK;
      case "session" -> new Color(0x1f77b4);
      case "reconnect" -> new Color(0xff7f0e);
      case "login" -> new Color(0x9467bd);
      default -> new Color(0x2ca02c);
    };
  }

  private static final Color[] PERCENTILE_COLORS = {
    new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0xd62728)
  };

  private static XYSeries addXY(
      XYChart chart, String name, List<PointResult> points, ToDoubleFunction<PointResult> y) {
    return chart.addSeries(
        name,
        points.stream().mapToDouble(PointResult::clients).toArray(),
        points.stream().mapToDouble(y).toArray());
  }

  /** Log axes where the values span too much for a linear one (and none is zero). */
  private static void style(XYChart chart, double[] ys, int maxClients) {
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setXAxisDecimalPattern("0");
    double min = Double.MAX_VALUE;
    double max = 0;
    for (double y : ys) {
      min = Math.min(min, y);
      max = Math.max(max, y);
    }
    if (min > 0 && max / min > 20) {
      chart.getStyler().setYAxisLogarithmic(true);
    }
    if (maxClients >= 50) {
      chart.getStyler().setXAxisLogarithmic(true);
    }
  }

  private static int maxClients(BenchResults results) {
    return results.points().stream().mapToInt(PointResult::clients).max().orElse(1);
  }

  private static List<String> workloads(BenchResults results) {
    List<String> out = new ArrayList<>();
    for (PointResult p : results.points()) {
      if (!p.measuresFloor() && !out.contains(p.workload())) {
        out.add(p.workload());
      }
    }
    return out;
  }
}
