package dev.rcx.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Writes a test-only whitelist file (YAML) into a directory, with optional {@code /bin/sh} scripts
 * as entries.
 *
 * <pre>{@code
 * Path yaml = TestCommands.in(dir)
 *     .command("echo", "/bin/echo", e -> e.maxArgs(8).patterns(".*"))
 *     .script("both", "echo out; echo err >&2", e -> e)
 *     .write();
 * }</pre>
 *
 * {@link #standard(Path)} holds the entries most integration tests need; see its javadoc.
 */
public final class TestCommands {
  private final Path dir;
  private final List<Entry> entries = new ArrayList<>();

  private TestCommands(Path dir) {
    this.dir = dir;
  }

  /** An empty whitelist whose file and scripts go into {@code dir} (created if missing). */
  public static TestCommands in(Path dir) {
    return new TestCommands(dir);
  }

  /**
   * The standard test entries, all open to every user:
   *
   * <ul>
   *   <li>{@code echo}: /bin/echo, up to 16 words of any text.
   *   <li>{@code args}: prints each extra word as {@code [word]} on its own line (shows word
   *       boundaries).
   *   <li>{@code exit}: exits with the code given as its one word.
   *   <li>{@code both}: prints {@code out} to stdout and {@code err} to stderr.
   *   <li>{@code flood}: prints 100 000 bytes of {@code x}; its output cap is 1024 bytes.
   *   <li>{@code sleep}: /bin/sleep with one number of seconds; timeout 30 s.
   *   <li>{@code nap}: sleeps 10 s but times out after 300 ms.
   *   <li>{@code pidsleep}: writes its PID to {@link #pidFile(String) pidFile("pidsleep")} then
   *       becomes {@code sleep 60} (same PID); timeout 60 s.
   *   <li>{@code tree}: a process tree of 1 + 2 + 4 processes, each appending its PID to {@code
   *       pidFile("tree")} and then sleeping 60 s; timeout 60 s.
   * </ul>
   */
  public static TestCommands standard(Path dir) {
    return in(dir)
        // "-.*" first: only a pattern that starts with '-' admits words that start with '-'.
        .command("echo", "/bin/echo", e -> e.maxArgs(16).patterns("-.*", ".*"))
        .script(
            "args",
            "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done",
            e -> e.maxArgs(8).patterns("-.*", ".*"))
        .script("exit", "exit \"$1\"", e -> e.maxArgs(1).patterns("[0-9]{1,3}"))
        .script("both", "echo out; echo err >&2", e -> e)
        .script("flood", "head -c 100000 /dev/zero | tr '\\0' x", e -> e.maxOutput(1024))
        .command(
            "sleep",
            "/bin/sleep",
            e -> e.maxArgs(1).patterns("[0-9]{1,3}(\\.[0-9]{1,3})?").timeout("30s"))
        .command("nap", "/bin/sleep", e -> e.fixedArgs("10").timeout("300ms"))
        .pidSleep("pidsleep")
        .spawnTree("tree", 2);
  }

  /**
   * Where the script entry {@code name} written by {@link #pidSleep} or {@link #spawnTree} records
   * PIDs.
   */
  public Path pidFile(String name) {
    return dir.resolve("pids").resolve(name + ".pid");
  }

  /** The file of the script entry {@code name} written by {@link #script}. */
  public Path scriptFile(String name) {
    return dir.resolve("scripts").resolve(name + ".sh");
  }

  /** Adds an entry for an existing executable. */
  public TestCommands command(String name, String path, UnaryOperator<Entry> settings) {
    entries.add(settings.apply(new Entry(name, path)));
    return this;
  }

  /**
   * Adds an entry running a new {@code /bin/sh} script with {@code body}; its words arrive as
   * {@code $1...}.
   */
  public TestCommands script(String name, String body, UnaryOperator<Entry> settings) {
    Path file = scriptFile(name);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "#!/bin/sh\n" + body + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return command(name, file.toString(), settings);
  }

  /**
   * A script that writes its PID to {@link #pidFile(String)} and then execs {@code sleep 60}
   * (keeping the PID).
   */
  public TestCommands pidSleep(String name) {
    Path pids = pidFile(name);
    return script(
        name,
        "mkdir -p '" + pids.getParent() + "'\necho $$ > '" + pids + "'\nexec sleep 60",
        e -> e.timeout("60s"));
  }

  /**
   * A script that builds a binary process tree {@code depth} levels deep, each process appending
   * its PID.
   */
  public TestCommands spawnTree(String name, int depth) {
    Path pids = pidFile(name);
    String body =
        "mkdir -p '"
            + pids.getParent()
            + "'\nd=${1:-"
            + depth
            + "}\necho $$ >> '"
            + pids
            + "'\nif [ \"$d\" -gt 0 ]; then\n  \"$0\" $((d - 1)) &\n  \"$0\" $((d - 1)) &\nfi\nexec sleep 60";
    return script(name, body, e -> e.timeout("60s"));
  }

  /** Writes {@code commands.yaml} into the directory and returns its path. */
  public Path write() {
    StringBuilder yaml = new StringBuilder("commands:\n");
    for (Entry e : entries) {
      e.appendTo(yaml);
    }
    Path file = dir.resolve("commands.yaml");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, yaml);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return file;
  }

  /**
   * One whitelist entry; every setting has the whitelist's default unless set here (users default
   * to "*").
   */
  public static final class Entry {
    private final String name;
    private final String path;
    private List<String> fixedArgs = List.of();
    private int maxArgs;
    private List<String> patterns = List.of();
    private String timeout = "10s";
    private long maxOutput = 1 << 20;
    private List<String> users = List.of("*");
    private List<String> roles = List.of();
    private String sha256;
    private final List<String> positional = new java.util.ArrayList<>();
    private boolean endOfOptions;

    Entry(String name, String path) {
      this.name = name;
      this.path = path;
    }

    public Entry fixedArgs(String... args) {
      this.fixedArgs = List.of(args);
      return this;
    }

    public Entry maxArgs(int n) {
      this.maxArgs = n;
      return this;
    }

    public Entry patterns(String... regexes) {
      this.patterns = List.of(regexes);
      return this;
    }

    public Entry timeout(String duration) {
      this.timeout = duration;
      return this;
    }

    public Entry maxOutput(long bytes) {
      this.maxOutput = bytes;
      return this;
    }

    public Entry users(String... names) {
      this.users = List.of(names);
      return this;
    }

    public Entry roles(String... names) {
      this.roles = List.of(names);
      return this;
    }

    /** Pins the executable to this hex SHA-256. */
    public Entry sha256(String hex) {
      this.sha256 = hex;
      return this;
    }

    /**
     * Adds a positional spec (YAML flow mapping), e.g. {@code "{pattern: '[a-z]+', path: true}"}.
     */
    public Entry positional(String pattern, boolean path) {
      positional.add("{pattern: " + quote(pattern) + ", path: " + path + "}");
      return this;
    }

    public Entry endOfOptions() {
      this.endOfOptions = true;
      return this;
    }

    void appendTo(StringBuilder y) {
      if (sha256 != null) {
        y.append("  - sha256: ").append(quote(sha256)).append('\n');
        y.append("    name: ").append(quote(name)).append('\n');
      } else {
        y.append("  - name: ").append(quote(name)).append('\n');
      }
      y.append("    path: ").append(quote(path)).append('\n');
      y.append("    args: ").append(list(fixedArgs)).append('\n');
      y.append("    max_args: ").append(maxArgs).append('\n');
      y.append("    arg_patterns: ").append(list(patterns)).append('\n');
      y.append("    timeout: ").append(timeout).append('\n');
      y.append("    max_output: ").append(maxOutput).append('\n');
      y.append("    users: ").append(list(users)).append('\n');
      y.append("    roles: ").append(list(roles)).append('\n');
      if (!positional.isEmpty()) {
        y.append("    positional: [").append(String.join(", ", positional)).append("]\n");
      }
      y.append("    end_of_options: ").append(endOfOptions).append('\n');
    }

    /** YAML single-quoted scalar: only the quote itself needs escaping. */
    private static String quote(String s) {
      return "'" + s.replace("'", "''") + "'";
    }

    private static String list(List<String> items) {
      return "[" + String.join(", ", items.stream().map(Entry::quote).toList()) + "]";
    }
  }
}
