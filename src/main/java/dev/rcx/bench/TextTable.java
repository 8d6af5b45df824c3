package dev.rcx.bench;

import java.util.ArrayList;
import java.util.List;

/** The results as aligned plain text: the main table, then TLS overhead. */
final class TextTable {
  private TextTable() {}

  static String render(BenchResults results) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(Cells.HEADERS);
    results.points().forEach(p -> rows.add(Cells.row(p)));
    StringBuilder out = new StringBuilder(align(rows));
    if (!results.tlsOverhead().isEmpty()) {
      List<List<String>> tls = new ArrayList<>();
      tls.add(List.of("workload", "clients", "TLS cmd/s", "plaintext cmd/s", "TLS/plaintext"));
      for (TlsOverhead o : results.tlsOverhead()) {
        tls.add(
            List.of(
                o.workload(),
                Integer.toString(o.clients()),
                Cells.rate(o.tls()),
                Cells.rate(o.plaintext()),
                Cells.ratio(o.ratio())));
      }
      out.append("\nTLS overhead (throughput with TLS / without):\n").append(align(tls));
    }
    return out.toString();
  }

  /** Left-aligns the first two columns and right-aligns the rest, two spaces apart. */
  static String align(List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        String cell = row.get(c);
        String pad = " ".repeat(width[c] - cell.length());
        line.append(c < 2 ? cell + pad : pad + cell).append(c == columns - 1 ? "" : "  ");
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
