package dev.rcx.cli;

import dev.rcx.audit.AuditLog;
import dev.rcx.audit.CommandLedger;
import dev.rcx.audit.KeyedVerifyResult;
import dev.rcx.audit.VerifyResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rcx audit verify|tail}: checks and reads a server's audit log. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Verify or read the audit log.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Tail.class})
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Main.missingSubcommand(spec);
  }

  /** Exit status of {@code verify} when there is no log to check: told apart from tampering. */
  static final int NO_LOG = 2;

  static class Base {
    @Spec CommandSpec spec;

    @Option(
        names = "--data-dir",
        description = "The server's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirs.defaultServerDir();

    @Option(names = "--file", description = "The audit log file (default: DATA_DIR/audit.log).")
    Path file;

    Path log() {
      Path f = (file != null ? file : dataDir.resolve("audit.log")).toAbsolutePath();
      if (!Files.isRegularFile(f)) {
        throw new CliException(
            NO_LOG,
            (Files.exists(f) ? f + " is not a file" : "no audit log at " + f)
                + "; pass the server's --data-dir, or --file with the log itself");
      }
      if (!Files.isReadable(f)) {
        throw new CliException(
            NO_LOG,
            "permission denied on "
                + f
                + ": run rcx as the user that owns it (see ls -l "
                + f
                + "), or give that user read access");
      }
      return f;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Check the hash chain; names the first edited, removed or reordered record.",
      footer = {
        "",
        "The verification key (given once when the log was created) proves sealed records authentic;",
        "give it with --key-file or --key-stdin (--key puts it where ps and shell history see it).",
        "",
        "Exit status: 0 intact (or only a torn last line after a crash), 1 tampered, truncated or",
        "wrong key, 2 no audit log there (or not readable), 254 usage error."
      })
  static final class Verify extends Base implements Callable<Integer> {
    @ArgGroup(exclusive = true)
    @Nullable KeySource keySource;

    static final class KeySource {
      @Option(
          names = "--key-file",
          paramLabel = "FILE",
          description = "Read the verification key from FILE (as `rcx server --key-out` wrote it).")
      @Nullable Path file;

      @Option(
          names = "--key-stdin",
          description = "Read the verification key from the first line of standard input.")
      boolean stdin;

      @Option(
          names = "--key",
          paramLabel = "KEY",
          description = "The verification key itself (visible to ps; prefer the other two).")
      @Nullable String text;
    }

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Path f = log();
      String key = keySource == null ? null : Keys.read(keySource, System.in);
      if (key != null) {
        KeyedVerifyResult result = AuditLog.verify(f, key);
        if (result instanceof KeyedVerifyResult.Authentic) {
          out.println("OK: " + f + ": " + result.summary());
          reportOpenCommands(f, out);
          return ExitCodes.OK;
        }
        spec.commandLine().getErr().println("FAILED: " + f + ": " + result.summary());
        return ExitCodes.FAILED;
      }
      return switch (AuditLog.verify(f)) {
        case VerifyResult.Intact i -> {
          out.println("OK: " + f + ": " + i.records() + " records, hash chain intact");
          reportOpenCommands(f, out);
          yield ExitCodes.OK;
        }
        case VerifyResult.TornTail t -> {
          out.println(
              "OK: "
                  + f
                  + ": "
                  + t.records()
                  + " records intact, followed by a torn last line of "
                  + t.tailBytes()
                  + " bytes (an interrupted write, e.g. after a crash; not tampering)");
          reportOpenCommands(f, out);
          yield ExitCodes.OK;
        }
        case VerifyResult.Tampered t -> {
          spec.commandLine()
              .getErr()
              .println(
                  "TAMPERED: "
                      + f
                      + ": line "
                      + t.lineNumber()
                      + " (record #"
                      + t.seq()
                      + "): "
                      + t.reason());
          yield ExitCodes.FAILED;
        }
      };
    }
  }

  /** Reads the verification key without echoing it: a file's first line that is not a comment. */
  static final class Keys {
    private Keys() {}

    static @Nullable String read(Verify.KeySource source, InputStream stdin) {
      if (source.text != null) {
        return source.text;
      }
      List<String> lines;
      String from;
      try {
        if (source.file != null) {
          from = "--key-file " + source.file;
          lines = Files.readAllLines(source.file, StandardCharsets.US_ASCII);
        } else if (source.stdin) {
          from = "--key-stdin";
          String line =
              new BufferedReader(new InputStreamReader(stdin, StandardCharsets.US_ASCII))
                  .readLine();
          lines = line == null ? List.of() : List.of(line);
        } else {
          return null;
        }
      } catch (NoSuchFileException e) {
        throw new CliException(ExitCodes.USAGE, "--key-file " + source.file + ": no such file");
      } catch (IOException e) {
        throw new CliException(ExitCodes.USAGE, "cannot read the key: " + Errors.describe(e));
      }
      return lines.stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .findFirst()
          .orElseThrow(
              () ->
                  new CliException(
                      ExitCodes.USAGE,
                      from + ": no key found (expected a line starting with rcx-audit-key:)"));
    }
  }

  /** How many open commands verify lists by name. */
  static final int OPEN_SHOWN = 10;

  /**
   * Names the commands that started and have no end record: not an error of the log (they are
   * running, or their server died and has not restarted to record them abandoned).
   */
  static void reportOpenCommands(Path f, PrintWriter out) {
    List<CommandLedger.Open> open = CommandLedger.scan(f);
    if (open.isEmpty()) {
      return;
    }
    out.println(
        "note: "
            + open.size()
            + " command(s) started without an end record: still running, or abandoned by a server"
            + " that died (its next start kills what is left and records command_abandoned):");
    for (CommandLedger.Open o : open.subList(0, Math.min(OPEN_SHOWN, open.size()))) {
      out.println("  " + o.describe());
    }
    if (open.size() > OPEN_SHOWN) {
      out.println("  ... and " + (open.size() - OPEN_SHOWN) + " more");
    }
  }

  @Command(
      name = "tail",
      mixinStandardHelpOptions = true,
      description = "Print the last records readably.")
  static final class Tail extends Base implements Callable<Integer> {
    @Option(
        names = {"-n", "--lines"},
        description = "How many records (default: ${DEFAULT-VALUE}).")
    int lines = 20;

    @Option(names = "--json", description = "Print the raw JSON lines.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      if (lines <= 0) {
        throw new CliException(ExitCodes.USAGE, "--lines must be positive, but was " + lines);
      }
      PrintWriter out = spec.commandLine().getOut();
      List<String> tail = AuditLog.tail(log(), lines);
      for (String line : json ? tail : AuditLog.describeTail(tail)) {
        out.println(line);
      }
      return ExitCodes.OK;
    }
  }
}
