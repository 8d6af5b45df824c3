package dev.rcx.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcx.fanout.HostResult;
import dev.rcx.fanout.Target;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the results of {@code rcx exec} on many hosts as they arrive, in one of three modes, and
 * the summary table at the end. Thread-safe: hosts finish on their own threads.
 *
 * <ul>
 *   <li>{@link Mode#PREFIXED}: every line of a host's stdout (to stdout) and stderr (to stderr),
 *       prefixed by {@code label | }, as soon as that host has answered; a host that failed gets
 *       one {@code label ! error} line on stderr.
 *   <li>{@link Mode#GROUPED}: each host's output as one block under a {@code == label ==} heading,
 *       in the order the hosts were given (a block waits for the hosts before it).
 *   <li>{@link Mode#JSON}: one JSON object per host on stdout as it finishes; no table.
 * </ul>
 */
final class FleetPrinter {
  enum Mode {
    PREFIXED,
    GROUPED,
    JSON
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Mode mode;
  private final PrintWriter out;
  private final PrintWriter err;
  private final List<Target> order;
  private final int width;
  private final Map<Integer, HostResult> waiting = new TreeMap<>();
  private int nextBlock;

  FleetPrinter(Mode mode, List<Target> order, PrintWriter out, PrintWriter err) {
    this.mode = mode;
    this.order = List.copyOf(order);
    this.out = out;
    this.err = err;
    this.width = order.stream().mapToInt(t -> t.label().length()).max().orElse(0);
  }

  synchronized void finished(HostResult r) {
    switch (mode) {
      case PREFIXED -> prefixed(r);
      case GROUPED -> {
        waiting.put(order.indexOf(r.target()), r);
        while (waiting.containsKey(nextBlock)) {
          block(waiting.remove(nextBlock));
          nextBlock++;
        }
      }
      case JSON -> {
        out.println(json(r));
        out.flush();
      }
    }
  }

  private void prefixed(HostResult r) {
    String prefix = pad(r.target().label()) + " | ";
    lines(out, prefix, r.stdout());
    lines(err, prefix, r.stderr());
    if (r.error() != null) {
      err.println(pad(r.target().label()) + " ! " + r.error());
    }
    out.flush();
    err.flush();
  }

  private void block(HostResult r) {
    out.println(
        "== "
            + r.target().label()
            + " ("
            + r.status().wireName()
            + (r.exitCode() == null ? "" : ", exit " + r.exitCode())
            + ", "
            + r.durationMs()
            + " ms) ==");
    out.print(r.stdout());
    if (!r.stdout().isEmpty() && !r.stdout().endsWith("\n")) {
      out.println();
    }
    out.flush();
    err.print(r.stderr());
    if (!r.stderr().isEmpty() && !r.stderr().endsWith("\n")) {
      err.println();
    }
    if (r.error() != null) {
      err.println(r.target().label() + " ! " + r.error());
    }
    err.flush();
  }

  private static void lines(PrintWriter w, String prefix, String text) {
    if (text.isEmpty()) {
      return;
    }
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    for (String line : body.split("\n", -1)) {
      w.print(prefix);
      w.println(line);
    }
  }

  /** One host result as a JSON object (one line). */
  static String json(HostResult r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("host", r.target().label());
    o.put("address", r.target().host());
    o.put("port", r.target().port());
    o.put("user", r.target().user());
    o.put("status", r.status().wireName());
    if (r.exitCode() == null) {
      o.putNull("exit_code");
    } else {
      o.put("exit_code", r.exitCode());
    }
    o.put("duration_ms", r.durationMs());
    o.put("stdout", r.stdout());
    o.put("stderr", r.stderr());
    o.put("truncated", r.truncated());
    if (r.error() == null) {
      o.putNull("error");
    } else {
      o.put("error", r.error());
    }
    return o.toString();
  }

  /** The summary table (not in JSON mode): one row per host in the order given, then totals. */
  synchronized void summary(List<HostResult> results) {
    if (mode == Mode.JSON) {
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"HOST", "STATUS", "EXIT", "DURATION", "ERROR"});
    Map<String, Integer> counts = new TreeMap<>();
    for (HostResult r : results) {
      rows.add(
          new String[] {
            r.target().label(),
            r.status().wireName(),
            r.exitCode() == null ? "-" : String.valueOf(r.exitCode()),
            r.durationMs() + " ms",
            r.error() == null ? "" : r.error()
          });
      counts.merge(r.status().wireName(), 1, Integer::sum);
    }
    int[] w = new int[4];
    for (String[] row : rows) {
      for (int i = 0; i < 4; i++) {
        w[i] = Math.max(w[i], row[i].length());
      }
    }
    out.println();
    for (String[] row : rows) {
      out.println(
          String.format(
                  "%-" + w[0] + "s  %-" + w[1] + "s  %" + w[2] + "s  %" + w[3] + "s  %s",
                  (Object[]) row)
              .stripTrailing());
    }
    StringBuilder total = new StringBuilder();
    total.append(results.size()).append(results.size() == 1 ? " host: " : " hosts: ");
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(v + " " + k));
    total.append(String.join(", ", parts));
    out.println(total);
    out.flush();
  }

  private String pad(String label) {
    return label + " ".repeat(Math.max(0, width - label.length()));
  }
}
