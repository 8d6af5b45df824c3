package dev.rcx.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcx.fanout.HostResult;
import dev.rcx.fanout.Target;
import dev.rcx.protocol.OutputData;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Prints what {@code rcx exec} on many hosts produces, as it arrives, in one of three modes, and
 * the summary table at the end. Output comes in {@link #output} pieces on each host's own thread;
 * {@link #finished} settles a host (possibly from the fan-out watchdog, while that host's thread
 * still delivers: what comes after is dropped). Thread-safe: one lock guards every host's state and
 * every write, so two hosts never mix inside one line.
 *
 * <ul>
 *   <li>{@link Mode#PREFIXED}: each complete line of a host's stdout (to stdout) and stderr (to
 *       stderr) as soon as it arrives, prefixed {@code label | }; the partial last line waits for
 *       its end or the command's. A line that is not valid UTF-8 is printed escaped ({@link
 *       Utf8Escape}) and the host gets a note; a host that failed gets {@code label ! error} on
 *       stderr.
 *   <li>{@link Mode#GROUPED}: each host's output exactly as sent (bytes), as one block under a
 *       {@code == label (status, ...) ==} heading, in the order the hosts were given; a block is
 *       held until the hosts before it have been printed.
 *   <li>{@link Mode#JSON}: one JSON object per host on stdout as it finishes, its output exact
 *       (text, or base64 with an {@code _encoding} field, as the protocol sends it); no table.
 * </ul>
 *
 * Held output (GROUPED, JSON) is bounded per host and stream by {@link #MAX_HELD_BYTES}, the
 * largest output cap a server allows; bytes past it are dropped and the host is marked truncated.
 */
final class FleetPrinter {
  enum Mode {
    PREFIXED,
    GROUPED,
    JSON
  }

  /** Per host and stream: the largest {@code max_output} of a server's whitelist (64 MiB). */
  static final int MAX_HELD_BYTES = 64 * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Mode mode;
  private final PrintWriter out;
  private final PrintWriter err;
  private final List<Target> order;
  private final int width;
  private final int maxHeld;
  private final ReentrantLock lock = new ReentrantLock();
  private final IdentityHashMap<Target, Host> hosts = new IdentityHashMap<>();
  private int nextBlock;

  /** What one host has sent so far. */
  private final class Host {
    final Target target;
    final byte[] prefix;
    final LineSplitter stdoutLines = new LineSplitter();
    final LineSplitter stderrLines = new LineSplitter();
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    boolean cut;
    boolean escaped;
    @Nullable HostResult result;

    Host(Target target) {
      this.target = target;
      this.prefix = (pad(target.label()) + " | ").getBytes(StandardCharsets.UTF_8);
    }

    void hold(boolean isStderr, byte[] bytes) {
      ByteArrayOutputStream held = isStderr ? stderr : stdout;
      int room = maxHeld - held.size();
      if (bytes.length > room) {
        cut = true;
      }
      held.write(bytes, 0, Math.min(room, bytes.length));
    }
  }

  FleetPrinter(Mode mode, List<Target> order, PrintWriter out, PrintWriter err) {
    this(mode, order, out, err, MAX_HELD_BYTES);
  }

  FleetPrinter(Mode mode, List<Target> order, PrintWriter out, PrintWriter err, int maxHeld) {
    this.mode = mode;
    this.order = List.copyOf(order);
    this.out = out;
    this.err = err;
    this.maxHeld = maxHeld;
    this.width = order.stream().mapToInt(t -> t.label().length()).max().orElse(0);
    for (Target t : order) {
      hosts.put(t, new Host(t));
    }
  }

  /** A piece of {@code target}'s output, in the order the host sent it. */
  void output(Target target, boolean isStderr, byte[] bytes) {
    lock.lock();
    try {
      Host h = host(target);
      if (h.result != null) {
        return; // already settled (the watchdog gave up on it)
      }
      switch (mode) {
        case PREFIXED -> {
          ByteArrayOutputStream lines = new ByteArrayOutputStream();
          (isStderr ? h.stderrLines : h.stdoutLines).feed(bytes, l -> prefixed(h, l, lines));
          write(isStderr, lines);
        }
        case GROUPED, JSON -> h.hold(isStderr, bytes);
      }
    } finally {
      lock.unlock();
    }
  }

  /** {@code r}'s host is settled: print what is left of it. */
  void finished(HostResult r) {
    lock.lock();
    try {
      Host h = host(r.target());
      if (h.result != null) {
        return;
      }
      h.result = r;
      switch (mode) {
        case PREFIXED -> endPrefixed(h, r);
        case GROUPED -> {
          while (nextBlock < order.size()) {
            Host next = host(order.get(nextBlock));
            HostResult done = next.result;
            if (done == null) {
              break;
            }
            block(next, done);
            nextBlock++;
          }
        }
        case JSON -> {
          out.println(json(r, h.stdout.toByteArray(), h.stderr.toByteArray(), h.cut));
          out.flush();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private Host host(Target t) {
    Host h = hosts.get(t);
    if (h == null) {
      throw new IllegalArgumentException("not a target of this run: " + t.label());
    }
    return h;
  }

  // Identity is meant: escape returns the very same array when nothing needed escaping.
  @SuppressWarnings("ReferenceEquality")
  private void prefixed(Host h, byte[] line, ByteArrayOutputStream into) {
    byte[] shown = Utf8Escape.escape(line);
    if (shown != line) {
      h.escaped = true;
    }
    into.writeBytes(h.prefix);
    into.writeBytes(shown);
    into.write('\n');
  }

  private void endPrefixed(Host h, HostResult r) {
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    h.stdoutLines.finish(l -> prefixed(h, l, rest));
    write(false, rest);
    rest.reset();
    h.stderrLines.finish(l -> prefixed(h, l, rest));
    write(true, rest);
    String label = pad(h.target.label());
    if (h.escaped) {
      err.println(
          label
              + " ! output was not valid UTF-8: in the lines concerned each such byte is shown as"
              + " \\xNN and each backslash as \\\\; --group or --json keep the exact bytes");
    }
    if (r.error() != null) {
      err.println(label + " ! " + r.error());
    }
    err.flush();
  }

  private void write(boolean isStderr, ByteArrayOutputStream bytes) {
    if (bytes.size() > 0) {
      BytePrintWriter.writeBytes(isStderr ? err : out, bytes.toByteArray());
    }
  }

  private void block(Host h, HostResult r) {
    out.println(
        "== "
            + r.target().label()
            + " ("
            + r.status().wireName()
            + (r.exitCode() == null ? "" : ", exit " + r.exitCode())
            + ", "
            + r.durationMs()
            + " ms) ==");
    out.flush();
    exactly(out, h.stdout.toByteArray());
    exactly(err, h.stderr.toByteArray());
    if (h.cut) {
      err.println(
          r.target().label() + " ! output past " + maxHeld + " bytes per stream was not kept");
    }
    if (r.error() != null) {
      err.println(r.target().label() + " ! " + r.error());
    }
    err.flush();
  }

  /** The bytes as sent, and a newline after them when they did not end with one. */
  private static void exactly(PrintWriter w, byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    BytePrintWriter.writeBytes(w, bytes);
    if (bytes[bytes.length - 1] != '\n') {
      w.println();
      w.flush();
    }
  }

  /**
   * One host result as a JSON object (one line). {@code stdout} and {@code stderr} are the exact
   * bytes: text when they are valid UTF-8 ({@code stdout_encoding} null), else base64 ({@code
   * stdout_encoding} {@code "base64"}), as the protocol's {@code command_output} carries them.
   */
  static String json(HostResult r, byte[] stdout, byte[] stderr, boolean cut) {
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
    OutputData out = OutputData.of(stdout);
    OutputData err = OutputData.of(stderr);
    o.put("stdout", out.value());
    o.put("stdout_encoding", out.encoding());
    o.put("stderr", err.value());
    o.put("stderr_encoding", err.encoding());
    o.put("truncated", r.truncated() || cut);
    if (r.error() == null) {
      o.putNull("error");
    } else {
      o.put("error", r.error());
    }
    return o.toString();
  }

  /** The summary table (not in JSON mode): one row per host in the order given, then totals. */
  void summary(List<HostResult> results) {
    if (mode == Mode.JSON) {
      return;
    }
    lock.lock();
    try {
      table(results);
    } finally {
      lock.unlock();
    }
  }

  private void table(List<HostResult> results) {
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
