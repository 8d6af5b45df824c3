package dev.rcx.cli;

import dev.rcx.audit.AuditException;
import dev.rcx.audit.AuditFiles;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.CommandLedger;
import dev.rcx.audit.FilesVerifyResult;
import dev.rcx.server.ControlSocket;
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
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rcx audit verify|tail|rotate}: checks, reads and rotates a server's audit log. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Verify, read or rotate the audit log.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Tail.class, AuditCommand.Rotate.class})
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

    @Option(
        names = "--file",
        description =
            "The current audit log file (default: DATA_DIR/audit.log); its closed files are the"
                + " NAME-<seq>.log files beside it.")
    @Nullable Path file;

    Path log() {
      Path f = (file != null ? file : dataDir.resolve("audit.log")).toAbsolutePath();
      if (!Files.exists(f) && !AuditFiles.list(f).isEmpty()) {
        return f; // closed files only: an archive, or a rotation a crash interrupted
      }
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
      description =
          "Check the hash chain across all files; names the first edited, removed or reordered"
              + " record, or the missing file.",
      footer = {
        "",
        "Checks every file of the log in order: closed files (audit-<first seq>.log), then audit.log.",
        "The verification key (given once when the log was created) proves sealed records authentic;",
        "give it with --key-file or --key-stdin (--key puts it where ps and shell history see it).",
        "",
        "Exit status: 0 intact (or only a torn last line after a crash, or earlier files archived),",
        "1 tampered, a missing middle file, truncated or wrong key, 2 no audit log there (or not",
        "readable), 254 usage error."
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
      FilesVerifyResult result =
          key != null ? AuditLog.verifyFiles(f, key) : AuditLog.verifyFiles(f);
      Path where = dev.rcx.files.AtomicFiles.directoryOf(f);
      return switch (result) {
        case FilesVerifyResult.Verified ok -> {
          out.println("OK: " + where + ": " + ok.summary());
          reportOpenCommands(f, out);
          yield ExitCodes.OK;
        }
        case FilesVerifyResult.MissingFile m -> fail(where, m, key != null);
        case FilesVerifyResult.Tampered t -> fail(where, t, key != null);
        case FilesVerifyResult.Truncated t -> fail(where, t, key != null);
        case FilesVerifyResult.WrongKey w -> fail(where, w, key != null);
      };
    }

    /** Without the key, the verdict leads; with it, {@code FAILED:} as before, then the verdict. */
    private int fail(Path where, FilesVerifyResult result, boolean keyed) {
      spec.commandLine()
          .getErr()
          .println((keyed ? "FAILED: " : "") + result.summary() + " (in " + where + ")");
      return ExitCodes.FAILED;
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
    List<CommandLedger.Open> open = CommandLedger.scanAll(f);
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
      List<String> tail = AuditLog.tailFiles(log(), lines);
      for (String line : json ? tail : AuditLog.describeTail(tail)) {
        out.println(line);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code rcx audit rotate}: closes the current audit file now, for external schedulers. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Close the current audit file (sealed, renamed audit-<first seq>.log) and start the next,"
            + " whose first record links to it.",
        "Asks the server running with this data dir over DATA_DIR/control.sock (mode 0600: run it"
            + " as the server's user or root). With no server running, rotates the files itself"
            + " under the log's writer lock, as the owner of audit.log.",
        "Exit status: 0 rotated, 1 the rotation failed or was refused, 255 the server did not"
            + " answer."
      })
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--data-dir",
        description = "The server's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirs.defaultServerDir();

    @Option(
        names = "--timeout",
        description =
            "How long to wait for the server's answer, like 30s (default: ${DEFAULT-VALUE}).")
    String timeout = "30s";

    @Override
    public Integer call() {
      Path dir = dataDir.toAbsolutePath();
      Path socket = dir.resolve(ControlSocket.FILE);
      String reply;
      try {
        reply =
            Files.exists(socket)
                ? ControlSocket.request(dir, "rotate", ControlReplies.timeout(timeout))
                : offline(dir, "no server runs with this data dir (no " + socket + ")");
      } catch (IOException e) {
        if (!(e.getCause() instanceof java.net.ConnectException)) {
          throw new CliException(
              ExitCodes.CONNECTION_FAILED,
              Objects.requireNonNullElse(e.getMessage(), e.toString()));
        }
        // A socket file left by a server that died: nobody listens.
        reply = offline(dir, "no server answers on " + socket + " (left by a server that died)");
      }
      return ControlReplies.print(reply, spec);
    }

    private String offline(Path dir, String why) {
      Path log = AuditFiles.current(dir);
      if (AuditFiles.list(log).isEmpty()) {
        throw new CliException(ExitCodes.FAILED, "no audit log at " + log);
      }
      Path owned = Files.exists(log) ? log : dir;
      try {
        String owner = Files.getOwner(owned).getName();
        String me = System.getProperty("user.name");
        if (!owner.equals(me)) {
          throw new CliException(
              ExitCodes.FAILED,
              why
                  + "; rotating offline must run as "
                  + owner
                  + ", the owner of "
                  + owned
                  + " (not "
                  + me
                  + "), or the server could not write the new file: runuser -u "
                  + owner
                  + " -- rcx audit rotate --data-dir "
                  + dir);
        }
      } catch (IOException | UnsupportedOperationException e) {
        // No owners on this file system: nothing to check.
      }
      try {
        AuditLog.Rotation r = AuditLog.rotateOffline(log, java.time.Clock.systemUTC());
        return "OK "
            + why
            + "; rotated offline: closed "
            + r.closedFile()
            + " (last record seq "
            + r.lastSeq()
            + ", hash "
            + r.lastHash()
            + ")";
      } catch (AuditException e) {
        return "FAILED " + why + ", and rotating offline failed: " + e.getMessage();
      }
    }
  }
}
