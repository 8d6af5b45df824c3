package dev.rcx.bench.openssh;

import dev.rcx.bench.Bench;
import dev.rcx.bench.BenchOptions;
import dev.rcx.bench.BenchResults;
import dev.rcx.bench.BenchSettings;
import dev.rcx.bench.SelfHosted;
import dev.rcx.bench.Targets;
import dev.rcx.bench.Workload;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Java half of {@code bench/openssh/compare.sh}: given a private sshd the script started,
 * measures rcx (an {@code rcx server} process, as sshd is its own) and that sshd (through Apache
 * MINA SSHD's client) with the same load generator in one run, then, optionally, the OpenSSH client
 * binary; prints the tables and writes them, with each run's full report, to {@code --out}.
 */
@Command(
    name = "compare.sh",
    mixinStandardHelpOptions = true,
    description = "rcx beside OpenSSH on this machine, same load generator, same command.")
final class Compare implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Option(
      names = "--sshd-port",
      required = true,
      description = "Port of the private sshd on 127.0.0.1.")
  int sshdPort;

  @Option(names = "--ssh-user", required = true, description = "User to log in as.")
  String user = "";

  @Option(
      names = "--ssh-identity",
      required = true,
      description = "Client private key (OpenSSH format).")
  Path identity = Path.of("");

  @Option(
      names = "--ssh-host-key",
      required = true,
      description = "The sshd's public host key (.pub).")
  Path hostKey = Path.of("");

  @Option(
      names = "--ssh-known-hosts",
      required = true,
      description = "known_hosts naming that host key.")
  Path knownHosts = Path.of("");

  @Option(
      names = "--work-dir",
      required = true,
      description = "Scratch directory (ControlMaster socket).")
  Path workDir = Path.of("");

  @Option(
      names = "--out",
      required = true,
      description = "Where to write comparison.md and the full reports.")
  Path out = Path.of("");

  @Option(
      names = "--clients",
      defaultValue = "1,5,10,20",
      description = "Client counts (default: ${DEFAULT-VALUE}).")
  String clients = "1,5,10,20";

  @Option(
      names = "--duration",
      defaultValue = "5s",
      description = "Measured time per point (default: ${DEFAULT-VALUE}).")
  String duration = "5s";

  @Option(
      names = "--warmup",
      defaultValue = "1s",
      description = "Unmeasured start of each point (default: ${DEFAULT-VALUE}).")
  String warmup = "1s";

  @Option(
      names = "--server-warmup",
      defaultValue = "120s",
      description =
          "Longest unmeasured warm-up of the rcx servers before the first point, until their JIT"
              + " is quiet (default: ${DEFAULT-VALUE}; 0s for none).")
  String serverWarmup = "120s";

  @Option(
      names = "--command",
      defaultValue = "echo hi",
      description = "Command to run (default: ${DEFAULT-VALUE}).")
  String command = "echo hi";

  @Option(
      names = "--ssh-binary",
      negatable = true,
      defaultValue = "true",
      description =
          "Also measure the ssh client binary (multiplexed, new connection) (default: ${DEFAULT-VALUE}).")
  boolean sshBinary = true;

  @Option(names = "--openssh-version", description = "For the report.")
  String opensshVersion = "unknown";

  @Option(names = "--command-line", description = "How the run was started, for the report.")
  String commandLine = "bench/openssh/compare.sh";

  public static void main(String[] args) {
    System.exit(new CommandLine(new Compare()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Integer> counts = BenchOptions.parseClients(clients);
    Duration measured = BenchOptions.parseDuration("--duration", duration);
    Duration warm = BenchOptions.parseDuration("--warmup", warmup);
    Duration serverWarm = BenchOptions.parseDuration("--server-warmup", serverWarmup);
    PrintStream err = System.err;

    List<Workload> workloads = List.of(Workload.SESSION, Workload.RECONNECT, Workload.LOGIN);
    BenchSettings main =
        new BenchSettings(
            workloads,
            BenchOptions.clientsFor(workloads, counts),
            warm,
            measured,
            command,
            null,
            true,
            true,
            serverWarm);
    BenchResults versus;
    List<String> negotiated;
    try (SelfHosted servers = SelfHosted.startProcesses(main.maxClients(), List.of());
        MinaSshTarget ssh =
            MinaSshTarget.start("127.0.0.1", sshdPort, user, hostKey, identity, command, TIMEOUT)) {
      Targets targets =
          new Targets(
              List.of(servers.tlsTarget(command), ssh),
              false,
              "rcx: "
                  + servers.describe()
                  + "; OpenSSH: private sshd ("
                  + opensshVersion
                  + ") on 127.0.0.1:"
                  + sshdPort
                  + " driven by Apache MINA SSHD's client in this JVM");
      err.println(
          "compare: rcx (TLS, its own server process) and OpenSSH (MINA SSHD client) side by side");
      versus = Bench.run(main, targets, commandLine, err);
      negotiated = ssh.negotiated();
    }

    BenchResults binary = null;
    if (sshBinary) {
      binary = runBinary(counts, warm, measured, err);
    }

    Table first = SideBySide.rcxVersusOpenSsh(versus);
    Table second = binary == null ? null : SideBySide.sshBinary(binary, versus);
    PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    stdout.println();
    stdout.println(
        "rcx (TLS) vs OpenSSH "
            + opensshVersion
            + " through the same load generator, command '"
            + command
            + "'");
    stdout.println(
        "load average: "
            + versus.meta().loadStart()
            + " at start, "
            + versus.meta().loadEnd()
            + " at end");
    stdout.print(first.text());
    if (second != null) {
      stdout.println();
      stdout.println(
          "OpenSSH client binary, one ssh process per command (load average "
              + binary.meta().loadStart()
              + " -> "
              + binary.meta().loadEnd()
              + ")");
      stdout.print(second.text());
    }
    Files.createDirectories(out);
    List<Path> files = new ArrayList<>(Bench.write(versus, out.resolve("rcx-vs-openssh")));
    if (binary != null) {
      files.addAll(Bench.write(binary, out.resolve("ssh-binary")));
    }
    Path md = out.resolve("comparison.md");
    Files.writeString(
        md, ComparisonReport.markdown(versus, binary, first, second, opensshVersion, negotiated));
    files.add(0, md);
    stdout.println();
    stdout.println("Wrote " + md + " and " + (files.size() - 1) + " more files under " + out);
    List<String> empty = SideBySide.emptyPoints(versus);
    if (binary != null) {
      empty = new ArrayList<>(empty);
      empty.addAll(SideBySide.emptyPoints(binary));
    }
    if (!empty.isEmpty()) {
      System.err.println(
          "compare: Error: no command succeeded at "
              + String.join(", ", empty)
              + " (see "
              + md
              + ")");
      return 1;
    }
    return 0;
  }

  private BenchResults runBinary(
      List<Integer> counts, Duration warm, Duration measured, PrintStream err) throws Exception {
    List<Workload> session = List.of(Workload.SESSION);
    BenchSettings settings =
        new BenchSettings(
            session,
            BenchOptions.clientsFor(session, counts),
            warm,
            measured,
            command,
            null,
            false,
            true);
    List<SshBinaryTarget> started = new ArrayList<>();
    try {
      for (SshBinaryTarget.Mode mode : SshBinaryTarget.Mode.values()) {
        started.add(
            SshBinaryTarget.start(
                mode,
                "127.0.0.1",
                sshdPort,
                user,
                identity,
                knownHosts,
                command,
                workDir,
                TIMEOUT));
      }
      err.println(
          "compare: the ssh client binary, "
              + String.join(", ", started.stream().map(t -> t.mode().label).toList()));
      return Bench.run(
          settings,
          new Targets(
              List.copyOf(started),
              false,
              "ssh client binary against the private sshd on 127.0.0.1:" + sshdPort),
          commandLine,
          err);
    } finally {
      for (SshBinaryTarget t : started) {
        t.close();
      }
    }
  }
}
