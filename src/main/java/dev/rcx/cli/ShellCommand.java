package dev.rcx.cli;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
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
    description = "Log in once, then run many commands.")
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
    try (RcxClient client = connection.connectAndLogin(new ReaderInputStream(in), err)) {
      if (interactive) {
        out.println(
            "Connected to "
                + connection.host
                + ":"
                + connection.port
                + " ("
                + client.transport()
                + ") as "
                + connection.user
                + ". Type 'help' for help, 'exit' to leave.");
      }
      int last = ExitCodes.OK;
      while (true) {
        if (interactive) {
          out.print("rcx> ");
          out.flush();
        }
        String line = in.readLine();
        if (line == null || line.strip().equals("exit") || line.strip().equals("quit")) {
          break;
        }
        if (line.isBlank()) {
          continue;
        }
        if (line.strip().equals("help")) {
          out.println(
              "Type a whitelisted command line, e.g. 'uptime' or 'ls -la /tmp'. No shell runs it: quotes");
          out.println(
              "group words, and ; | & $ ` are refused unless quoted. 'exit' logs out and leaves.");
          continue;
        }
        Response r;
        try (CancelOnInterrupt interrupts = CancelOnInterrupt.install(client, err)) {
          r =
              client.exec(
                  line,
                  java.util.List.of(),
                  connection.timeout,
                  (isStderr, bytes) -> BytePrintWriter.writeBytes(isStderr ? err : out, bytes));
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
      client.logout();
      return last;
    } catch (RcxClient.TimedOutException e) {
      throw ConnectionOptions.timedOut(e);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.CONNECTION_FAILED, "connection lost: " + ConnectionOptions.rootMessage(e));
    }
  }

  /** Lets the password reader take exactly one line from the shared reader. */
  private static final class ReaderInputStream extends java.io.InputStream {
    private final BufferedReader reader;
    private byte[] pending;
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
