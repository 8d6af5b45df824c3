package dev.rcx.cli;

import dev.rcx.bench.Bench;
import dev.rcx.bench.BenchOptions;
import dev.rcx.bench.BenchResults;
import dev.rcx.bench.BenchSettings;
import dev.rcx.bench.Driver;
import dev.rcx.bench.OperationFailedException;
import dev.rcx.bench.PointResult;
import dev.rcx.bench.RcxTarget;
import dev.rcx.bench.SelfHosted;
import dev.rcx.bench.ServerProbe;
import dev.rcx.bench.Target;
import dev.rcx.bench.Targets;
import dev.rcx.bench.Workload;
import dev.rcx.client.RcxClient;
import dev.rcx.tls.ClientTrust;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rcx bench}: measures throughput, latency and TLS cost against in-process servers (default)
 * or a running server, beside the local spawn floor; prints a table and writes JSON, CSV and a
 * Markdown report with charts.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure rcx: throughput, latency percentiles, TLS cost and efficiency against the local spawn floor.",
      "Without --host/--port it starts a TLS and a plaintext `rcx server`, each its own process (temporary",
      "directory, a bench user), and reports their CPU and memory apart from the load generator's.",
      "Default plan (about 5 minutes on 2 cores, with up to 2 of server warm-up): session and reconnect at 1,5,10,20 clients, login at 1,5,20,",
      "each with and without TLS, plus the floor at each count; 1s warm-up and 5s measured per point."
    },
    footer = {
      "",
      "Workloads: session = login once, then commands on one connection; reconnect = new TCP+TLS connection per",
      "command reusing the token; login = new connection + password login + command + logout per command.",
      "Exit status: 0 done, 1 no command succeeded, 252 login failed, 254 usage error, 255 cannot reach the server."
    })
final class BenchCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final List<String> LOCAL_ONLY = List.of("--in-process", "--server-java-opts");
  private static final List<String> REMOTE_ONLY =
      List.of(
          "--plain-port",
          "--server-pid",
          "--no-tls",
          "--user",
          "--password-stdin",
          "--fingerprint",
          "--cacert",
          "--known-hosts",
          "--insecure");

  @Spec CommandSpec spec;

  @Option(
      names = "--clients",
      paramLabel = "LIST",
      description = "Client counts for every workload, e.g. 1,5,10,20,50,100,500.")
  @Nullable String clients;

  @Option(
      names = "--workload",
      paramLabel = "LIST",
      description = "Workloads: session,reconnect,login (default: all three).")
  String workloads = "session,reconnect,login";

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description = "Measured time per point (default: ${DEFAULT-VALUE}).")
  String duration = "5s";

  @Option(
      names = "--warmup",
      paramLabel = "TIME",
      description = "Unmeasured warm-up per point (default: ${DEFAULT-VALUE}).")
  String warmup = "1s";

  @Option(
      names = "--server-warmup",
      paramLabel = "TIME",
      description =
          "Longest unmeasured warm-up of servers running as their own process on this machine,"
              + " before the first point: rounds of every workload until their JIT compilers use"
              + " under 5%% of their CPU (default: ${DEFAULT-VALUE}; 0s for none).")
  String serverWarmup = "120s";

  @Option(
      names = "--server-pid",
      paramLabel = "PID[,PID]",
      description =
          "With --host: the process id of the server at --port (and of the one at --plain-port),"
              + " when it runs on this machine, to report its CPU, its commands' CPU and its"
              + " memory.")
  @Nullable String serverPids;

  @Option(
      names = "--command",
      paramLabel = "CMD",
      description = "Command line to run (default: ${DEFAULT-VALUE}).")
  String command = BenchOptions.DEFAULT_COMMAND;

  @Option(
      names = "--rate",
      paramLabel = "N/s",
      description =
          "Open loop: N commands per second over all clients; latency from the intended send time.")
  @Nullable String rate;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where to write results (default: bench-out/<timestamp>).")
  @Nullable Path out;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Option(names = "--no-floor", description = "Skip the local spawn floor.")
  boolean noFloor;

  @Option(
      names = "--in-process",
      description =
          "Run the servers in this JVM instead of their own processes (they then share its JIT, GC and CPUs).")
  boolean inProcess;

  @Option(
      names = "--server-java-opts",
      paramLabel = "OPTS",
      description =
          "JVM options for the server processes, space-separated (e.g. -Xlog:gc:file=gc.log).")
  @Nullable String serverJavaOpts;

  @Option(
      names = "--full-handshakes",
      description =
          "Also measure TLS without session resumption (transport tls-full: a new TLS context per connection).")
  boolean fullHandshakes;

  @Option(
      names = "--host",
      description = "Benchmark a running server on this host instead of in-process servers.")
  @Nullable String host;

  @Option(
      names = "--port",
      description = "Port of the running server (default 7443 when --host is given).")
  @Nullable Integer port;

  @Option(
      names = "--plain-port",
      paramLabel = "PORT",
      description =
          "Also benchmark a --no-tls server on this port of --host, for the TLS comparison.")
  @Nullable Integer plainPort;

  @Option(
      names = "--no-tls",
      description = "The server at --port is a plaintext (--no-tls) server.")
  boolean noTls;

  @Option(
      names = {"-u", "--user"},
      description = "User for a running server (default: $USER).")
  String user = System.getProperty("user.name");

  @Option(
      names = "--password-stdin",
      description = "Read the password from standard input (else RCX_PASSWORD or a prompt).")
  boolean passwordStdin;

  @Option(
      names = "--fingerprint",
      description = "Trust only a server with this certificate SHA-256 fingerprint.")
  @Nullable String fingerprint;

  @Option(
      names = "--cacert",
      description = "Trust servers whose certificate is signed by (or is) this PEM file.")
  @Nullable Path caCert;

  @Option(
      names = "--known-hosts",
      description =
          "Trust servers recorded in this file (default: ${DEFAULT-VALUE}); unknown ones are refused.")
  Path knownHosts = DataDirs.defaultKnownHosts();

  @Option(
      names = "--insecure",
      description = "Do not check the server's identity (NOT for production).")
  boolean insecure;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    BenchSettings settings = settings();
    Path dir =
        out != null
            ? out
            : Path.of("bench-out", LocalDateTime.now(ZoneId.systemDefault()).format(TIMESTAMP));
    String commandLine =
        "rcx " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    PrintStream progress = new PrintStream(new WriterStream(stderr), true, StandardCharsets.UTF_8);
    BenchResults results;
    if (host == null && port == null) {
      refuseOptions(REMOTE_ONLY, "only with --host/--port (a running server)");
      if (inProcess && serverJavaOpts != null) {
        throw new CliException(
            ExitCodes.USAGE, "--server-java-opts: only without --in-process (server processes)");
      }
      try (SelfHosted servers =
          inProcess
              ? SelfHosted.start(settings.maxClients())
              : SelfHosted.startProcesses(settings.maxClients(), serverOptions())) {
        List<Target> list = new ArrayList<>();
        RcxTarget tls = servers.tlsTarget(command);
        list.add(tls);
        if (fullHandshakes) {
          list.add(tls.withoutResumption());
        }
        list.add(servers.plaintextTarget(command));
        Targets targets = new Targets(list, inProcess, servers.describe());
        results = Bench.run(settings, targets, commandLine, progress);
      }
    } else {
      refuseOptions(LOCAL_ONLY, "only without --host/--port (servers this bench starts)");
      Targets targets = remoteTargets(stderr);
      for (Target t : targets.targets()) {
        preflight(t);
      }
      results = Bench.run(settings, targets, commandLine, progress);
    }
    progress.flush();
    stdout.print(Bench.table(results));
    List<Path> files = Bench.write(results, dir);
    stdout.println();
    List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
    stdout.println("Results written to " + dir + ": " + String.join(", ", names));
    stdout.flush();
    long succeeded =
        results.points().stream()
            .filter(p -> !p.workload().equals(PointResult.FLOOR))
            .mapToLong(PointResult::commands)
            .sum();
    return succeeded > 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private BenchSettings settings() {
    try {
      List<Workload> chosen = BenchOptions.parseWorkloads(workloads);
      List<Integer> counts = clients == null ? null : BenchOptions.parseClients(clients);
      Duration d = BenchOptions.parseDuration("--duration", duration);
      Duration w = BenchOptions.parseDuration("--warmup", warmup);
      Duration sw = BenchOptions.parseDuration("--server-warmup", serverWarmup);
      Double r = rate == null ? null : BenchOptions.parseRate(rate);
      return new BenchSettings(
          chosen,
          BenchOptions.clientsFor(chosen, counts),
          w,
          d,
          command,
          r,
          !noFloor,
          !noProgress,
          sw);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, Errors.message(e));
    }
  }

  /**
   * The server processes' JVM flags: those the launcher gives {@code rcx server} (it passes them in
   * RCX_BENCH_SERVER_JVM_OPTS, so the bench measures the server as it runs), then {@code
   * --server-java-opts}, which may override them.
   */
  private List<String> serverOptions() {
    List<String> options = new ArrayList<>(words(System.getenv("RCX_BENCH_SERVER_JVM_OPTS")));
    options.addAll(words(serverJavaOpts));
    return options;
  }

  private static List<String> words(@Nullable String s) {
    return s == null || s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
  }

  private void refuseOptions(List<String> names, String rule) {
    List<String> given = new ArrayList<>();
    for (String name : names) {
      if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
        given.add(name);
      }
    }
    if (!given.isEmpty()) {
      throw new CliException(ExitCodes.USAGE, String.join(", ", given) + ": " + rule);
    }
  }

  private Targets remoteTargets(PrintWriter err) {
    String h = host == null ? "127.0.0.1" : host;
    int p = port == null ? 7443 : port;
    List<ServerProbe> probes = serverProbes(); // a usage error comes before the password prompt
    char[] password =
        Passwords.read(passwordStdin, System.in, "Password for " + user + "@" + h + ": ");
    String hash = RcxClient.sha256Hex(password);
    Arrays.fill(password, '\0');
    List<Target> targets = new ArrayList<>();
    try {
      RcxTarget first =
          (noTls
                  ? RcxTarget.plaintext(h, p, user, hash, command)
                  : RcxTarget.tls(h, p, trust(err, h, p), user, hash, command))
              .withServer(probes.isEmpty() ? null : probes.get(0));
      targets.add(first);
      if (fullHandshakes && !noTls) {
        targets.add(first.withoutResumption());
      }
      if (plainPort != null) {
        if (noTls) {
          throw new CliException(
              ExitCodes.USAGE,
              "--plain-port: the server at --port is already plaintext (--no-tls)");
        }
        targets.add(
            RcxTarget.plaintext(h, plainPort, user, hash, command)
                .withServer(probes.size() < 2 ? null : probes.get(1)));
      }
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, Errors.message(e));
    }
    String where = "running server at " + h + ":" + p;
    return new Targets(
        targets,
        false,
        plainPort == null ? where : where + " (plaintext at port " + plainPort + ")");
  }

  /** The processes named by {@code --server-pid}, checked to exist here; empty if not given. */
  private List<ServerProbe> serverProbes() {
    if (serverPids == null) {
      return List.of();
    }
    String[] parts = serverPids.split(",", -1);
    int servers = plainPort == null ? 1 : 2;
    if (parts.length > servers) {
      throw new CliException(
          ExitCodes.USAGE,
          "--server-pid: "
              + parts.length
              + " process ids for "
              + servers
              + " server"
              + (servers == 1 ? "" : "s")
              + " (one for --port"
              + (servers == 1
                  ? ", and a second only with --plain-port)"
                  : ", one for --plain-port)"));
    }
    List<ServerProbe> probes = new ArrayList<>();
    for (String part : parts) {
      long pid;
      try {
        pid = Long.parseLong(part.strip());
        probes.add(new ServerProbe(pid));
      } catch (IllegalArgumentException e) {
        throw new CliException(
            ExitCodes.USAGE,
            "--server-pid: '" + part + "' is not a process id (a positive number)");
      }
      if (ProcessHandle.of(pid).isEmpty()) {
        throw new CliException(
            ExitCodes.USAGE,
            "--server-pid: no process "
                + pid
                + " runs on this machine; give the pid of the server at --host");
      }
    }
    return probes;
  }

  /**
   * Connects and logs in once, so a wrong address, trust or password fails now rather than in every
   * point.
   */
  private void preflight(Target t) {
    String where = (host == null ? "127.0.0.1" : host) + " (" + t.transport() + ")";
    try (Driver d = t.newDriver(0)) {
      d.connect();
      d.login();
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.CONNECTION_FAILED,
          "cannot reach " + where + ": " + ConnectionOptions.rootMessage(e));
    } catch (OperationFailedException e) {
      throw new CliException(
          ExitCodes.AUTH_FAILED, "login at " + where + " failed: " + e.getMessage());
    }
  }

  private ClientTrust trust(PrintWriter err, String h, int p) {
    // A benchmark never prompts: an unknown server must be pinned or already known.
    return ConnectionOptions.chooseTrust(
        err, caCert, fingerprint, insecure, knownHosts, h + ":" + p, (hostPort, fp) -> false);
  }

  /** Lets the progress bar, which wants a PrintStream, write through picocli's error writer. */
  private static final class WriterStream extends java.io.OutputStream {
    private final PrintWriter writer;

    WriterStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      writer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writer.write(new String(b, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public void flush() {
      writer.flush();
    }
  }
}
