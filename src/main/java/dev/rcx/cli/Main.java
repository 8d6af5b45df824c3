package dev.rcx.cli;

import dev.rcx.server.BuildInfo;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the rcx command line: {@code run(args, out, err)} returns the exit code; see
 * {@link ExitCodes}.
 */
@Command(
    name = "rcx",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Secure remote command execution: TLS, whitelisted commands, tamper-evident audit log.",
    subcommands = {
      ServerCommand.class,
      DemoCommand.class,
      ExecCommand.class,
      ShellCommand.class,
      UserCommand.class,
      AuditCommand.class,
      PolicyCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Byte-capable writers: a remote command's output is passed through exactly, not re-encoded.
    int code =
        run(
            args,
            new BytePrintWriter(System.out, System.out.charset()),
            new BytePrintWriter(System.err, System.err.charset()));
    System.exit(code);
  }

  /** Runs rcx with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> ExitCodes.FAILED);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("Error: " + ex.getMessage());
          ex.getCommandLine().usage(err);
          return ExitCodes.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          err.println("Error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
          return ex instanceof CliException c ? c.exitCode() : ExitCodes.FAILED;
        });
    // Everything after the remote command name belongs to the remote command, options included.
    cl.getSubcommands().get("exec").setStopAtPositional(true);
    cl.getSubcommands().get("policy").getSubcommands().get("check").setStopAtPositional(true);
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo b = BuildInfo.current();
      return new String[] {
        "rcx " + b.version() + " (commit " + b.commit() + ", Java " + Runtime.version() + ")"
      };
    }
  }
}
