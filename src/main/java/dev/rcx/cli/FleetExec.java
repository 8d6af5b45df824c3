package dev.rcx.cli;

import dev.rcx.client.SessionStore;
import dev.rcx.config.ClientConfig;
import dev.rcx.config.ClientConfigLoader;
import dev.rcx.config.ConfigException;
import dev.rcx.fanout.FanOut;
import dev.rcx.fanout.HostResult;
import dev.rcx.fanout.Target;
import dev.rcx.tls.KeyMaterial;
import dev.rcx.tls.ServerIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code rcx exec --hosts ... | --hosts-file FILE | @NAME COMMAND...}: one command on many hosts at
 * once. The password is asked once (or the client certificate is used); every host is then worked
 * on by its own {@link FleetTask} under {@link FanOut}, its output streamed to {@link FleetPrinter}
 * as it arrives, Ctrl-C handled by {@link FleetInterrupt}, and the exit status summarises all hosts
 * ({@link #exitCode}).
 */
final class FleetExec {
  private final ConnectionOptions connection;
  private final FleetOptions fleet;

  private final boolean stream;

  /**
   * @param stream whether to ask every server for streamed output ({@code command_chunk}); false
   *     for {@code --no-stream}
   */
  FleetExec(ConnectionOptions connection, FleetOptions fleet, boolean stream) {
    this.connection = connection;
    this.fleet = fleet;
    this.stream = stream;
  }

  int run(String command, List<String> args, InputStream stdin, PrintWriter out, PrintWriter err) {
    if (fleet.group && fleet.json) {
      throw new CliException(ExitCodes.USAGE, "choose one of --group and --json");
    }
    if (fleet.parallel < 1 || fleet.parallel > 1024) {
      throw new CliException(
          ExitCodes.USAGE, "--parallel must be between 1 and 1024 but was " + fleet.parallel);
    }
    if ((connection.cert == null) != (connection.key == null)) {
      throw new CliException(ExitCodes.USAGE, "--cert and --key must be given together");
    }
    String at = null;
    String remote = command;
    List<String> remoteArgs = args;
    if (command.startsWith("@")) {
      at = command.substring(1);
      if (args.isEmpty()) {
        throw new CliException(ExitCodes.USAGE, "missing COMMAND after " + command);
      }
      remote = args.getFirst();
      remoteArgs = args.subList(1, args.size());
    }
    ClientConfig config;
    try {
      config = ClientConfigLoader.load(fleet.clientConfigFile());
    } catch (ConfigException e) {
      throw new CliException(ExitCodes.USAGE, "client configuration " + e.getMessage());
    }
    List<Target> targets =
        new FleetTargets(config, connection.portOrDefault(), connection.userOrDefault())
            .resolve(at, fleet.hosts, fleet.hostsFile);
    KeyMaterial identity = identity();
    boolean certificateOnly =
        connection.cert != null
            && !connection.passwordStdin
            && System.getenv(Passwords.ENV) == null;
    SessionStore store = SessionLogin.defaultStore();
    boolean everyHostCached =
        targets.stream()
            .allMatch(
                t ->
                    SessionLogin.find(store, t.hostPort(), t.user())
                        .filter(c -> c.validAt(store.now()))
                        .isPresent());
    char[] password =
        certificateOnly || everyHostCached
            ? null
            : Passwords.read(
                connection.passwordStdin,
                stdin,
                "Password for " + describeUsers(targets) + " on " + targets.size() + " hosts: ");
    FleetPrinter.Mode mode =
        fleet.json
            ? FleetPrinter.Mode.JSON
            : fleet.group ? FleetPrinter.Mode.GROUPED : FleetPrinter.Mode.PREFIXED;
    FleetPrinter printer = new FleetPrinter(mode, targets, out, err);
    try (FleetInterrupt interrupt = FleetInterrupt.install(err)) {
      FleetTask task =
          new FleetTask(
              connection,
              new FleetTask.Credentials(certificateOnly, password),
              store,
              identity,
              remote,
              remoteArgs,
              stream,
              printer,
              interrupt,
              err);
      List<HostResult> results =
          FanOut.builder(task)
              .parallel(fleet.parallel)
              .firstPhase("connect", connection.connectTimeout)
              .onResult(printer::finished)
              .run(targets);
      printer.summary(results);
      return exitCode(results);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  /**
   * 0 when the command exited 0 on every host; else 255 when some host was not reached (connect,
   * TLS, trust or no answer in time), else 252 when some host refused the login, else 130 when
   * Ctrl-C cancelled some host, else 1 (the command failed, timed out or was refused on some host).
   */
  static int exitCode(List<HostResult> results) {
    int code = ExitCodes.OK;
    for (HostResult r : results) {
      int c =
          switch (r.status()) {
            case OK -> ExitCodes.OK;
            case FAILED, TIMED_OUT, DENIED, ERROR -> ExitCodes.FAILED;
            case AUTH_FAILED -> ExitCodes.AUTH_FAILED;
            case CANCELLED -> ExitCodes.CANCELLED;
            case UNREACHABLE, NO_ANSWER -> ExitCodes.CONNECTION_FAILED;
          };
      code = Math.max(code, c);
    }
    return code;
  }

  private static String describeUsers(List<Target> targets) {
    List<String> users = targets.stream().map(Target::user).distinct().toList();
    return users.size() == 1 ? users.getFirst() : String.join("/", users);
  }

  private @Nullable KeyMaterial identity() {
    Path cert = connection.cert;
    Path key = connection.key;
    if (cert == null || key == null) { // given together (checked before any host is contacted)
      return null;
    }
    try {
      return ServerIdentity.loadPem(cert, key);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "cannot load client certificate "
              + connection.cert
              + " and key "
              + connection.key
              + ": "
              + e.getMessage());
    }
  }
}
