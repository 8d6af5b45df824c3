package dev.rcx.bench.openssh;

import java.util.ArrayList;
import java.util.List;

/**
 * A small table of strings rendered as aligned text for a terminal or as Markdown.
 *
 * @param labelColumns how many leading columns hold labels (left-aligned); the rest hold numbers
 *     (right-aligned)
 */
record Table(List<String> headers, List<List<String>> rows, int labelColumns) {
  Table {
    headers = List.copyOf(headers);
    if (labelColumns < 0 || labelColumns > headers.size()) {
      throw new IllegalArgumentException(
          "labelColumns must be from 0 to " + headers.size() + ", but was " + labelColumns);
    }
    List<List<String>> copy = new ArrayList<>();
    for (List<String> r : rows) {
      if (r.size() != headers.size()) {
        throw new IllegalArgumentException(
            "row has " + r.size() + " cells, but the table has " + headers.size());
      }
      copy.add(List.copyOf(r));
    }
    rows = List.copyOf(copy);
  }

  /** Columns two spaces apart, labels left-aligned and numbers right-aligned. */
  String text() {
    int[] width = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int c = 0; c < width.length; c++) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> r : all) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < width.length; c++) {
        String pad = " ".repeat(width[c] - r.get(c).length());
        line.append(c < labelColumns ? r.get(c) + pad : pad + r.get(c)).append("  ");
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /**
   * A GitHub-flavoured Markdown table, numbers right-aligned; a {@code |} inside a cell is escaped.
   */
  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", headers)).append(" |\n|");
    for (int c = 0; c < headers.size(); c++) {
      out.append(c < labelColumns ? "---|" : "---:|");
    }
    out.append('\n');
    for (List<String> r : rows) {
      out.append("| ")
          .append(String.join(" | ", r.stream().map(s -> s.replace("|", "\\|")).toList()))
          .append(" |\n");
    }
    return out.toString();
  }
}
