package dev.rcx.cli;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code rcx shell}: log in once, then run whitelisted commands line by line until EOF or {@code
 * exit}.
 */
@Command(
    name = "shell",
    mixinStandardHelpOptions = true,
    description = {
      "Log in once, then run many commands: line editing, history per server, tab completion",
      "of the commands you may run, 'help'; an idle connection the server closed is reopened",
      "with the session token."
    })
final class ShellCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // With --password-stdin the first line is the password and the rest are commands: share one
    // reader.
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    boolean interactive = System.console() != null;
    SessionLogin login =
        new SessionLogin(connection, SessionLogin.defaultStore(), new ReaderInputStream(in), err);
    RcxClient first = login.open();
    try (ShellSession shell = new ShellSession(connection, login, first, err);
        ShellInput input =
            interactive ? TerminalInput.system(historyFile()) : new ShellInput.Plain(in)) {
      List<Response.CommandInfo> commands = shell.commands();
      input.commands(commands.stream().map(Response.CommandInfo::name).toList());
      if (interactive) {
        out.println(
            "Connected to "
                + connection.host()
                + ":"
                + connection.port()
                + " ("
                + first.transport()
                + ") as "
                + connection.user()
                + ". Tab completes commands; 'help' lists them, 'exit' leaves.");
        out.flush();
      }
      int last = ExitCodes.OK;
      while (true) {
        String line = input.readLine("rcx> ");
        if (line == null || line.strip().equals("exit") || line.strip().equals("quit")) {
          break;
        }
        if (line.isBlank()) {
          continue;
        }
        if (line.strip().equals("help")) {
          commands = shell.commands();
          input.commands(commands.stream().map(Response.CommandInfo::name).toList());
          help(out, commands);
          continue;
        }
        Response r;
        try {
          r =
              shell.exec(
                  line,
                  (isStderr, bytes) -> BytePrintWriter.writeBytes(isStderr ? err : out, bytes));
        } catch (CancelOnInterrupt.NotSentException e) {
          err.println("rcx: " + CancelOnInterrupt.NotSentException.MESSAGE);
          err.flush();
          last = ExitCodes.CANCELLED;
          continue;
        }
        last = Replies.print(r, out, err, /* allowTruncated= */ true);
        if (r instanceof Response.CommandOutput o
            && o.exitCode() != null
            && o.exitCode() != 0
            && interactive) {
          err.println("[exit " + o.exitCode() + "]");
        }
        if (r instanceof Response.Error e && RcxClient.needsLogin(e.code())) {
          return ExitCodes.AUTH_FAILED;
        }
      }
      return last;
    } catch (RcxClient.TimedOutException e) {
      throw ConnectionOptions.timedOut(e);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.CONNECTION_FAILED, "connection lost: " + ConnectionOptions.rootMessage(e));
    }
  }

  /** Lists the commands this user may run, as the server reported them. */
  static void help(PrintWriter out, List<Response.CommandInfo> commands) {
    out.println("Commands you may run here (the server's whitelist for you):");
    for (Response.CommandInfo c : commands) {
      out.println(
          "  "
              + c.name()
              + (c.maxArgs() == 0
                  ? ""
                  : "  (up to " + c.maxArgs() + (c.maxArgs() == 1 ? " argument)" : " arguments)")));
    }
    out.println(
        "No shell runs them: quotes group words, and ; | & $ ` are refused unless quoted."
            + " 'exit' leaves.");
    out.flush();
  }

  /** {@code $RCX_HOME/history/USER@HOST:PORT}: one history per server and user. */
  private java.nio.file.Path historyFile() {
    return DataDirs.clientDir()
        .resolve("history")
        .resolve(
            dev.rcx.client.SessionStore.baseName(
                SessionLogin.server(connection.host(), connection.port()), connection.user()));
  }

  /** Lets the password reader take exactly one line from the shared reader. */
  // Reads one short line (a password) per use: byte-at-a-time reads cost nothing here.
  @SuppressWarnings("InputStreamSlowMultibyteRead")
  private static final class ReaderInputStream extends java.io.InputStream {
    private final BufferedReader reader;
    private byte @Nullable [] pending;
    private int pos;

    ReaderInputStream(BufferedReader reader) {
      this.reader = reader;
    }

    @Override
    public int read() throws IOException {
      if (pending == null) {
        String line = reader.readLine();
        if (line == null) {
          return -1;
        }
        pending = (line + "\n").getBytes(StandardCharsets.UTF_8);
        pos = 0;
      }
      if (pos == pending.length) {
        return -1; // one line only: the rest belongs to the shell loop
      }
      return pending[pos++] & 0xff;
    }
  }
}
