package dev.rcx.cli;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rcx exec [options] COMMAND [ARGS...]}: runs one whitelisted command and exits with its
 * exit code. COMMAND is split into words by the server (quotes honoured, never a shell); ARGS are
 * passed literally.
 */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = {
      "Run one whitelisted command on an rcx server, or on many at once (--hosts, --hosts-file,"
          + " @GROUP)."
    },
    footer = {
      "",
      "Exit status: the remote command's, or 124 timed out, 130 cancelled (Ctrl-C), 250 output",
      "truncated at the server's cap",
      "(unless --allow-truncated), 251 denied, 252 authentication failed, 253 server error,",
      "254 usage error, 255 connection or TLS failure.",
      "On many hosts: 0 the command exited 0 on every host, 1 it failed, timed out or was refused",
      "on some host, 130 Ctrl-C cancelled it, 252 a login failed on some host, 255 some host was",
      "not reached in time (the highest applies), 254 usage error."
    })
final class ExecCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;
  @Mixin FleetOptions fleet;

  @Option(
      names = "--allow-truncated",
      description =
          "Exit with the command's own code even when the server cut its output at the output cap"
              + " (otherwise exit "
              + ExitCodes.TRUNCATED
              + ").")
  boolean allowTruncated;

  @Option(
      names = "--no-stream",
      description =
          "Print the output only when the command has ended, in one piece (servers without"
              + " streaming need this).")
  boolean noStream;

  @Parameters(
      index = "0",
      paramLabel = "COMMAND",
      description = "Command name (or a whole command line to split).")
  String command;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments, passed literally.")
  List<String> args = List.of();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (fleet.requested(command)) {
      return new FleetExec(connection, fleet, !noStream).run(command, args, System.in, out, err);
    }
    SessionLogin login = new SessionLogin(connection, SessionLogin.defaultStore(), System.in, err);
    try (RcxClient client = login.open()) {
      Response r;
      // Ctrl-C cancels the command on the server; its output so far has been printed already.
      try (CancelOnInterrupt interrupts = CancelOnInterrupt.install(client, err)) {
        r =
            login.exec(
                client,
                c ->
                    interrupts.send(
                        sent -> {
                          if (noStream) {
                            // No hook after the write here: a Ctrl-C in the instant between this
                            // and the write sends its cancel before the command.
                            sent.run();
                            return c.exec(command, args, connection.timeout);
                          }
                          return c.exec(
                              command, args, connection.timeout, streamTo(out, err, sent));
                        }));
      } catch (CancelOnInterrupt.NotSentException e) {
        throw new CliException(ExitCodes.CANCELLED, CancelOnInterrupt.NotSentException.MESSAGE);
      }
      // A streamed reply's output is empty: the chunks carried it.
      int code = Replies.print(r, out, err, allowTruncated);
      if (!login.keepsSession()) {
        logoutQuietly(client);
      }
      return code;
    } catch (RcxClient.TimedOutException e) {
      throw ConnectionOptions.timedOut(e);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.CONNECTION_FAILED, "connection lost: " + ConnectionOptions.rootMessage(e));
    }
  }

  /** Writes streamed output to {@code out} and {@code err}; runs {@code sent} after the request. */
  static RcxClient.OutputListener streamTo(PrintWriter out, PrintWriter err, Runnable sent) {
    return new RcxClient.OutputListener() {
      @Override
      public void output(boolean stderr, byte[] bytes) {
        BytePrintWriter.writeBytes(stderr ? err : out, bytes);
      }

      @Override
      public void sent() {
        sent.run();
      }
    };
  }

  /**
   * The reply decides the exit code; a server that already closed the connection needs no logout.
   */
  private static void logoutQuietly(RcxClient client) {
    try {
      client.logout();
    } catch (IOException e) {
      // Nothing to revoke over a closed connection; the token expires on its own.
    }
  }
}
