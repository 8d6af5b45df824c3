package dev.rcx.bench.openssh;

import dev.rcx.bench.BenchResults;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code comparison.md}: both tables with how, where and when they were measured, and what each row
 * means.
 */
final class ComparisonReport {
  private ComparisonReport() {}

  static String markdown(
      BenchResults versus,
      @Nullable BenchResults binary,
      Table first,
      @Nullable Table second,
      String opensshVersion,
      List<String> negotiated) {
    BenchResults.Meta m = versus.meta();
    BenchResults.Settings s = versus.settings();
    StringBuilder md = new StringBuilder();
    md.append("# rcx vs OpenSSH\n\n");
    md.append("- Command: `").append(m.commandLine()).append("`\n");
    md.append("- When: ")
        .append(m.startedAt())
        .append(" to ")
        .append(binary == null ? m.finishedAt() : binary.meta().finishedAt())
        .append('\n');
    md.append("- Machine: ")
        .append(m.machine().cpus())
        .append(" CPUs (")
        .append(m.machine().cpuModel())
        .append("), ")
        .append(m.machine().memoryMib())
        .append(" MiB, ")
        .append(m.machine().os())
        .append('\n');
    md.append("- JDK: ")
        .append(m.machine().jdk())
        .append("; rcx commit ")
        .append(m.machine().commit())
        .append('\n');
    md.append("- OpenSSH: ")
        .append(opensshVersion)
        .append("; MINA SSHD client negotiated ")
        .append(negotiated.isEmpty() ? "(no session completed)" : String.join(", ", negotiated))
        .append('\n');
    md.append("- Each point: ")
        .append(s.warmup())
        .append(" warm-up, ")
        .append(s.duration())
        .append(" measured, closed loop; command `")
        .append(s.command())
        .append("`\n");
    md.append("- Load average (1 min) at start/end: ")
        .append(m.loadStart())
        .append(" / ")
        .append(m.loadEnd());
    if (binary != null) {
      md.append("; ssh binary run: ")
          .append(binary.meta().loadStart())
          .append(" / ")
          .append(binary.meta().loadEnd());
    }
    md.append(
        ". Anything well above 0 means other work shared the CPUs and the figures are noisy.\n\n");

    md.append("## rcx and OpenSSH through the same load generator\n\n");
    md.append(first.markdown()).append('\n');
    md.append(
        """
        - One run measures both, interleaved per client count: the spawn floor, then each workload against rcx and \
        against OpenSSH. rcx is an `rcx server` process (TLS, its own JVM); OpenSSH is a private `sshd` on 127.0.0.1 \
        (its own host key and config, key-only login), driven through Apache MINA SSHD's client in the load \
        generator's JVM, one \
        `SshClient` shared by all simulated clients. Load generator, servers and commands share the same CPUs.
        - rcx `session` beside SSH exec channels on one authenticated connection; rcx `reconnect` (new TCP+TLS \
        connection reusing a session token) and `login` (new connection and Argon2id password login) beside a new SSH \
        connection per command (key exchange and public-key authentication). SSH has no credential a new connection \
        can reuse, so its two new-connection rows are the same operation, measured twice.
        - The command: rcx runs it directly (no shell); sshd runs it through the user's login shell (`$SHELL -c`), for \
        which `echo` is a builtin. The private sshd sets `SHLVL=1` (`SetEnv`) so that bash skips `~/.bashrc`, which \
        sshd-started bash otherwise sources: root's here runs `pyenv init`, about 200 ms per command that would be \
        the machine's cost, not OpenSSH's. The spawn floor is this JVM running the command with `ProcessBuilder`.
        - rcx / OpenSSH is the ratio of throughputs (commands/s). Latencies are per command, from its intended start.
        """);
    md.append('\n');
    if (second != null) {
      md.append("## The OpenSSH client binary\n\n");
      md.append(second.markdown()).append('\n');
      md.append(
          """
          - One `ssh` process per command, spawned by the load generator with stdin from /dev/null: `ssh mux` goes \
          through one `ControlMaster` connection shared by all clients; `ssh new` opens a new connection with the \
          client's default key exchange, `ssh new c25519` with `KexAlgorithms=curve25519-sha256`.
          - "(issue 4)" is the figure issue 4 quotes for the same mode on these machines. The two last columns divide \
          rcx's throughput in the first table by this table's, measured a few minutes apart.
          """);
      md.append('\n');
    }
    md.append("Full reports (JSON, CSV, charts): `rcx-vs-openssh/`")
        .append(binary == null ? "" : " and `ssh-binary/`")
        .append(".\n");
    return md.toString();
  }
}
