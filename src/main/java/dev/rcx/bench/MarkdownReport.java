package dev.rcx.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code report.md}: how the run was made, the tables, the charts and the method. */
final class MarkdownReport {
  private MarkdownReport() {}

  static String render(BenchResults r, List<String> charts, String chartProblem) {
    StringBuilder md = new StringBuilder();
    BenchResults.Meta m = r.meta();
    Machine mc = m.machine();
    md.append("# rcx bench report\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| command | `").append(m.commandLine()).append("` |\n");
    md.append("| servers | ").append(m.mode()).append(" |\n");
    md.append("| started | ").append(m.startedAt()).append(" |\n");
    md.append("| finished | ").append(m.finishedAt()).append(" |\n");
    md.append("| machine | ")
        .append(mc.os())
        .append(' ')
        .append(mc.arch())
        .append(", ")
        .append(mc.cpus())
        .append(" CPUs (")
        .append(mc.cpuModel())
        .append("), ")
        .append(mc.memoryMib())
        .append(" MiB |\n");
    md.append("| load average (1 min) | ")
        .append(
            String.format(
                Locale.ROOT, "%.2f at start, %.2f at the end", m.loadStart(), m.loadEnd()))
        .append(" |\n");
    md.append("| JDK | ").append(mc.jdk()).append(" |\n");
    md.append("| commit | ").append(mc.commit()).append(" |\n");
    BenchResults.Settings s = r.settings();
    md.append("| plan | ")
        .append(
            s.workloads().stream()
                .map(w -> w + " at " + s.clients().get(w))
                .collect(Collectors.joining("; ")))
        .append("; warm-up ")
        .append(s.warmup())
        .append(", measured ")
        .append(s.duration())
        .append(" per point; ")
        .append(
            s.rate() == null
                ? "closed loop"
                : String.format(Locale.ROOT, "open loop at %.1f commands/s", s.rate()))
        .append("; command `")
        .append(s.command())
        .append("` |\n\n");

    md.append("## Results\n\n");
    md.append(table(Cells.HEADERS, r.points().stream().map(Cells::row).toList()));
    if (!r.tlsOverhead().isEmpty()) {
      md.append("\n## TLS overhead\n\n");
      md.append(
          "Throughput with TLS divided by throughput in plaintext, same workload and clients.\n\n");
      md.append(
          table(
              List.of("workload", "clients", "TLS cmd/s", "plaintext cmd/s", "TLS/plaintext"),
              r.tlsOverhead().stream()
                  .map(
                      o ->
                          List.of(
                              o.workload(),
                              Integer.toString(o.clients()),
                              Cells.rate(o.tls()),
                              Cells.rate(o.plaintext()),
                              Cells.ratio(o.ratio())))
                  .toList()));
    }
    md.append("\n## Charts\n\n");
    for (String chart : charts) {
      md.append("![").append(chart.replace(".png", "")).append("](").append(chart).append(")\n\n");
    }
    if (!chartProblem.isEmpty()) {
      md.append("Charts could not be drawn: ").append(chartProblem).append("\n\n");
    }
    md.append(METHOD);
    return md.toString();
  }

  private static String table(List<String> headers, List<List<String>> rows) {
    StringBuilder t = new StringBuilder();
    t.append("| ").append(String.join(" | ", headers)).append(" |\n|");
    for (int i = 0; i < headers.size(); i++) {
      t.append(i < 2 ? "---|" : "---:|");
    }
    t.append('\n');
    for (List<String> row : rows) {
      t.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return t.toString();
  }

  private static final String METHOD =
      """
      ## Method

      - **Points.** Each point runs N simulated clients, each on its own thread with its own connection(s), for the
        warm-up and then the measured window. An operation counts if its intended start falls in the window; it may
        finish after the window ends. `cmd/s` is successful commands in the window divided by the window's length.
      - **Workloads.** `session`: each client connects and logs in once (untimed), then runs commands back to back on
        that connection. `reconnect`: each client logs in once (untimed), then per command opens a new TCP + TLS
        connection (TLS 1.3 session resumption: one `SSLContext` per client), sends the command with its token and
        closes. `login`: per command, a new connection, a full password login (Argon2id on the server), the command
        and a logout. After any failure a client reconnects and logs in again inside the next operation's time.
      - **Latency** is measured from the intended send time. In a closed loop (the default) that is when the client
        sent it. With `--rate` (open loop) commands are due at fixed intervals whatever the server does; a command
        sent late because the server stalled still counts from its due time (no coordinated omission). Recorded in
        HdrHistogram (microseconds, 3 significant digits); successful commands only.
      - **TLS hs / auth** are the p50 of the TLS handshake and of the password login (request to reply, including
        Argon2id). For `session` they are the one handshake and login per client before the window; for `reconnect`
        the handshakes are resumed ones in the window and the login is the one before it.
      - **Server CPU** is, for a server in its own process on this machine (the default, or `--server-pid`), the
        CPU time of that process during the window (Linux /proc), per successful command; **of it JIT** is the part
        its JIT compiler threads used (well above 0: the server was still warming up); **command CPU** is the CPU
        time of the commands it ran (its reaped children). For in-process servers, server CPU is this JVM's CPU time
        minus the load threads', so it includes the JVM's GC and JIT threads for both sides; JIT and command CPU
        are then not measured.
      - **Server warm-up.** Servers in their own process are first driven, unmeasured, in rounds of every workload
        until their JIT compilers use under 5% of their CPU, or for at most `--server-warmup` (default 120 s); the
        servers row above says how it ended. A long-running server is warm; measuring a fresh JVM would charge the
        compiling to every command.
      - **Other CPUs** is the CPU time other processes on this machine used during the window, in CPUs (Linux
        /proc: machine-wide busy time minus this process and the commands it spawned). Near 0 means the point was
        measured on an otherwise quiet machine; on a shared machine, treat points with a high value with suspicion.
      - **Floor** is this JVM spawning the same command itself with `ProcessBuilder` (the JDK's default launch
        mechanism, the server's minimal environment, stdin from /dev/null, stdout read to the end, stderr
        discarded), closed loop, at the same concurrency and duration, in the same run. **Efficiency** = rcx
        throughput / floor. In self-hosted mode the load generator, both servers and the spawned commands share this
        machine's CPUs.
      - **Errors** are failed operations in the window by code (`EXIT_n`: the command exited non-zero; `IO_ERROR`:
        the connection failed; `NOT_SENT`: an open loop fell so far behind that due commands were never sent;
        `ABORTED_AT_END`: an operation still running well after the window was cut off).
      """;
}
