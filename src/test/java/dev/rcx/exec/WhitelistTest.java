package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.exec.Decision.Allowed;
import dev.rcx.exec.Decision.Denied;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WhitelistTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("commands.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private Whitelist load(String yaml) throws IOException {
    return Whitelist.load(write(yaml));
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertLoadFails(String yaml)
      throws IOException {
    Path file = write(yaml);
    return assertThatThrownBy(() -> Whitelist.load(file))
        .isInstanceOf(WhitelistException.class)
        .hasMessageContaining(file.toString());
  }

  private static String entry(String extra) {
    return "commands:\n  - name: ls\n    path: /usr/bin/ls\n    users: [alice]\n" + extra;
  }

  private static Decision check(Whitelist w, String user, Set<String> roles, String... words) {
    return w.check(user, roles, List.of(words));
  }

  private static Denied denied(Decision d) {
    assertThat(d).isInstanceOf(Denied.class);
    return (Denied) d;
  }

  private static Allowed allowed(Decision d) {
    assertThat(d).isInstanceOf(Allowed.class);
    return (Allowed) d;
  }

  // ---- loading ----

  @Test
  void load_exampleFile_hasDocumentedRules() throws IOException {
    Path file = dir.resolve("example.yaml");
    try (InputStream in = getClass().getResourceAsStream("commands.example.yaml")) {
      assertThat(in).isNotNull();
      Files.copy(in, file);
    }
    Whitelist w = Whitelist.load(file);

    assertThat(w.rules()).extracting(CommandRule::name).containsExactly("ls", "disk", "whoami");
    CommandRule ls = w.rule("ls").orElseThrow();
    assertThat(ls.executable()).isEqualTo(Path.of("/usr/bin/ls"));
    assertThat(ls.fixedArgs()).containsExactly("--color=never");
    assertThat(ls.maxArgs()).isEqualTo(4);
    assertThat(ls.argPatterns())
        .extracting(Pattern::pattern)
        .containsExactly("-[lahtr1]+", "/[A-Za-z0-9._/-]*");
    assertThat(ls.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(ls.maxOutputBytes()).isEqualTo(1048576);
    assertThat(ls.users()).containsExactly("*");
    assertThat(w.rule("disk").orElseThrow().roles()).containsExactly("ops");
    assertThat(w.rule("disk").orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void load_minimalEntry_getsDefaults() throws IOException {
    CommandRule rule = load(entry("")).rule("ls").orElseThrow();

    assertThat(rule.fixedArgs()).isEmpty();
    assertThat(rule.maxArgs()).isZero();
    assertThat(rule.argPatterns()).isEmpty();
    assertThat(rule.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(rule.maxOutputBytes()).isEqualTo(1024 * 1024);
    assertThat(rule.roles()).isEmpty();
    assertThat(rule.workdir()).isEqualTo(Path.of("/"));
    assertThat(rule.allowDotDot()).isFalse();
  }

  @Test
  void load_allKeys_areRead() throws IOException {
    CommandRule rule =
        load(entry(
                """
            args: ["-1"]
            max_args: 2
            arg_patterns: ["x"]
            timeout: 500ms
            max_output: 0
            roles: [ops, dev]
            workdir: /tmp
            allow_dotdot: true
        """))
            .rule("ls")
            .orElseThrow();

    assertThat(rule.fixedArgs()).containsExactly("-1");
    assertThat(rule.maxArgs()).isEqualTo(2);
    assertThat(rule.timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(rule.maxOutputBytes()).isZero();
    assertThat(rule.roles()).containsExactlyInAnyOrder("ops", "dev");
    assertThat(rule.workdir()).isEqualTo(Path.of("/tmp"));
    assertThat(rule.allowDotDot()).isTrue();
  }

  @Test
  void load_timeoutUnits_parsed() {
    assertThat(WhitelistLoader.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(WhitelistLoader.duration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(WhitelistLoader.duration("10s")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void load_emptyCommandList_deniesEverything() throws IOException {
    Whitelist w = load("commands: []\n");
    assertThat(w.rules()).isEmpty();
    assertThat(denied(check(w, "alice", Set.of(), "ls")).reason())
        .isEqualTo(DenialReason.COMMAND_NOT_ALLOWED);
  }

  @Test
  void load_errors_numberEntriesFromOneAndGiveTheirLine() throws IOException {
    String two =
        """
        commands:
          - name: ls
            path: /usr/bin/ls
            users: [alice]
          # the second entry
          - name: restart-web
            path: bin/restart
            users: [alice]
        """;
    assertLoadFails(two)
        .hasMessageContaining(
            ".yaml:6: entry 2 'restart-web': path 'bin/restart' must be absolute");
    assertLoadFails(entry("    colour: never\n"))
        .hasMessageContaining(".yaml:5: entry 1, colour: unknown key 'colour'");
  }

  @Test
  void load_unknownEntryKey_fails() throws IOException {
    assertLoadFails(entry("    colour: never\n"))
        .hasMessageContaining("entry 1, colour")
        .hasMessageContaining("unknown key 'colour'")
        .hasMessageContaining("max_args");
  }

  @Test
  void load_unknownTopLevelKey_fails() throws IOException {
    assertLoadFails(entry("extra: 1\n")).hasMessageContaining("unknown key 'extra'");
  }

  @Test
  void load_duplicateYamlKey_fails() throws IOException {
    assertLoadFails(entry("    path: /usr/bin/df\n"))
        .hasMessageContaining("Duplicate field 'path'");
  }

  @Test
  void load_duplicateName_fails() throws IOException {
    assertLoadFails(entry("  - name: ls\n    path: /usr/bin/df\n    users: [bob]\n"))
        .hasMessageContaining("entry 2 'ls': duplicate name 'ls'");
  }

  @Test
  void load_relativePath_fails() throws IOException {
    assertLoadFails("commands:\n  - name: ls\n    path: bin/ls\n    users: [a]\n")
        .hasMessageContaining("entry 1 'ls': path 'bin/ls' must be absolute");
  }

  @Test
  void load_missingExecutable_fails() throws IOException {
    assertLoadFails("commands:\n  - name: ls\n    path: /no/such/ls\n    users: [a]\n")
        .hasMessageContaining("entry 1 'ls': path '/no/such/ls' is not an existing regular file");
  }

  @Test
  void load_directoryAsPath_fails() throws IOException {
    assertLoadFails("commands:\n  - name: ls\n    path: /usr/bin\n    users: [a]\n")
        .hasMessageContaining("is not an existing regular file");
  }

  @Test
  void load_nonExecutableFile_fails() throws IOException {
    Path plain =
        Files.createFile(
            dir.resolve("plain"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    assertLoadFails("commands:\n  - name: ls\n    path: " + plain + "\n    users: [a]\n")
        .hasMessageContaining("path '" + plain + "' is not executable");
  }

  @Test
  void load_missingName_fails() throws IOException {
    assertLoadFails("commands:\n  - path: /usr/bin/ls\n    users: [a]\n")
        .hasMessageContaining("entry 1: missing required key 'name'");
  }

  @Test
  void load_missingPath_fails() throws IOException {
    assertLoadFails("commands:\n  - name: ls\n    users: [a]\n")
        .hasMessageContaining("entry 1 'ls': missing required key 'path'");
  }

  @Test
  void load_badName_fails() throws IOException {
    assertLoadFails("commands:\n  - name: Ls\n    path: /usr/bin/ls\n    users: [a]\n")
        .hasMessageContaining("name 'Ls' must match [a-z0-9]");
  }

  @Test
  void load_badRegex_fails() throws IOException {
    assertLoadFails(entry("    max_args: 1\n    arg_patterns: [\"ok\", \"[a-\"]\n"))
        .hasMessageContaining("entry 1 'ls': arg_patterns item 2 '[a-' is not a valid regex");
  }

  @Test
  void load_negativeMaxArgs_fails() throws IOException {
    assertLoadFails(entry("    max_args: -1\n"))
        .hasMessageContaining("entry 1 'ls': max_args must be >= 0, was -1");
  }

  @Test
  void load_maxArgsWithoutPatterns_fails() throws IOException {
    assertLoadFails(entry("    max_args: 2\n"))
        .hasMessageContaining("max_args is 2 but arg_patterns is empty");
  }

  @Test
  void load_negativeMaxOutput_fails() throws IOException {
    assertLoadFails(entry("    max_output: -5\n"))
        .hasMessageContaining("max_output must be between 0 and 67108864, was -5");
  }

  @Test
  void load_hugeMaxOutput_fails() throws IOException {
    assertLoadFails(entry("    max_output: 9999999999\n")).hasMessageContaining("was 9999999999");
  }

  @Test
  void load_negativeTimeout_fails() throws IOException {
    assertLoadFails(entry("    timeout: -5s\n"))
        .hasMessageContaining("timeout '-5s' must be a positive number with a unit ms, s, m or h");
  }

  @Test
  void load_timeoutWithoutUnit_fails() throws IOException {
    assertLoadFails(entry("    timeout: 10\n")).hasMessageContaining("timeout '10' must be");
  }

  @Test
  void load_zeroTimeout_fails() throws IOException {
    assertLoadFails(entry("    timeout: 0s\n")).hasMessageContaining("timeout must be positive");
  }

  @Test
  void load_noUsersNoRoles_fails() throws IOException {
    assertLoadFails("commands:\n  - name: ls\n    path: /usr/bin/ls\n    users: []\n")
        .hasMessageContaining("entry 1 'ls': users and roles are both empty");
  }

  @Test
  void load_blankUser_fails() throws IOException {
    assertLoadFails("commands:\n  - name: ls\n    path: /usr/bin/ls\n    users: [' ']\n")
        .hasMessageContaining("users must not contain a blank item");
  }

  @Test
  void load_nullRole_fails() throws IOException {
    assertLoadFails(entry("    roles: [~]\n"))
        .hasMessageContaining("roles must not contain an empty (null) item");
  }

  @Test
  void load_missingWorkdir_fails() throws IOException {
    assertLoadFails(entry("    workdir: /no/such/dir\n"))
        .hasMessageContaining("workdir '/no/such/dir' is not an existing directory");
  }

  @Test
  void load_wrongType_failsNamingKey() throws IOException {
    assertLoadFails(entry("    max_args: lots\n")).hasMessageContaining("entry 1, max_args");
  }

  @Test
  void load_missingCommandsList_fails() throws IOException {
    assertLoadFails("{}\n").hasMessageContaining("missing top-level 'commands' list");
  }

  @Test
  void load_emptyFile_fails() throws IOException {
    assertLoadFails("").hasMessageContaining("No content");
  }

  @Test
  void load_nullEntry_fails() throws IOException {
    assertLoadFails("commands:\n  -\n").hasMessageContaining("entry 1: empty entry");
  }

  @Test
  void load_notYaml_fails() throws IOException {
    assertLoadFails("commands: [\n").isInstanceOf(WhitelistException.class);
  }

  @Test
  void load_missingFile_fails() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> Whitelist.load(missing))
        .isInstanceOf(WhitelistException.class)
        .hasMessageContaining("cannot read whitelist " + missing);
  }

  @Test
  void of_duplicateNames_fails() throws IOException {
    CommandRule ls = load(entry("")).rule("ls").orElseThrow();
    assertThatThrownBy(() -> Whitelist.of(List.of(ls, ls)))
        .hasMessage("duplicate command name 'ls'");
  }

  // ---- defaults ----

  @Test
  void defaults_onThisMachine_haveAllCommandsForEveryUser() {
    Whitelist w = Whitelist.defaults();

    assertThat(w.rules())
        .extracting(CommandRule::name)
        .containsExactly(
            "echo", "date", "uptime", "hostname", "whoami", "id", "uname", "df", "free", "ls");
    assertThat(w.rules())
        .allSatisfy(
            r -> {
              assertThat(r.users()).containsExactly("*");
              assertThat(r.executable()).isAbsolute().isExecutable();
              assertThat(r.executable().getFileName().toString()).isEqualTo(r.name());
            });
  }

  @Test
  void defaults_missingExecutables_areSkipped() throws IOException {
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Files.createFile(
        bin.resolve("echo"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.createFile(bin.resolve("date")); // not executable

    List<CommandRule> rules = DefaultCommands.rules(List.of(dir.resolve("missing"), bin));

    assertThat(rules).extracting(CommandRule::name).containsExactly("echo");
    assertThat(rules.get(0).executable()).isEqualTo(bin.resolve("echo"));
  }

  @Test
  void defaults_harmlessUses_allowed() {
    Whitelist w = Whitelist.defaults();
    assertThat(allowed(check(w, "u", Set.of(), "echo", "hello", "wörld", "a-b", "..")).argv())
        .containsExactly(
            w.rule("echo").orElseThrow().executable().toString(), "hello", "wörld", "a-b", "..");
    allowed(check(w, "u", Set.of(), "ls", "-la", "/tmp", "src/main", "."));
    allowed(check(w, "u", Set.of(), "date", "-u", "+%Y-%m-%d %H:%M"));
    allowed(check(w, "u", Set.of(), "date", "-Iseconds"));
    allowed(check(w, "u", Set.of(), "df", "-h", "/"));
    allowed(check(w, "u", Set.of(), "id", "-un", "root"));
    allowed(check(w, "u", Set.of(), "uname", "-a"));
    allowed(check(w, "u", Set.of(), "free", "-m"));
    allowed(check(w, "u", Set.of(), "uptime", "-p"));
    allowed(check(w, "u", Set.of(), "hostname"));
  }

  @Test
  void defaults_dangerousUses_denied() {
    Whitelist w = Whitelist.defaults();
    List<List<String>> bad =
        List.of(
            List.of("hostname", "evil"),
            List.of("whoami", "--help"),
            List.of("date", "-s", "2020-01-01"),
            List.of("date", "-f", "/etc/shadow"),
            List.of("date", "+%s;id"),
            List.of("ls", "--help"),
            List.of("ls", "-la", "../etc"),
            List.of("ls", "/tmp/../etc"),
            List.of("ls", "-lax"),
            List.of("ls", "--color=always"),
            List.of("df", "relative"),
            List.of("df", "/.."),
            List.of("free", "-s", "1"),
            List.of("uname", "--all"),
            List.of("echo", "bell\u0007"),
            List.of("echo", "rtl\u202Eoverride"),
            List.of("sh", "-c", "id"));
    for (List<String> words : bad) {
      assertThat(w.check("u", Set.of(), words)).as("%s", words).isInstanceOf(Denied.class);
    }
  }

  // ---- check ----

  private Whitelist lsWhitelist(String extra) throws IOException {
    return load(
        """
        commands:
          - name: ls
            path: /usr/bin/ls
            args: ["--color=never"]
            max_args: 3
            arg_patterns: ["-[lah]+", "/[A-Za-z0-9._/-]*"]
            users: [alice]
            roles: [ops]
        """
            + extra);
  }

  @Test
  void check_allowedUser_argvHasPathFixedArgsThenWords() throws IOException {
    Allowed a = allowed(check(lsWhitelist(""), "alice", Set.of(), "ls", "-la", "/tmp"));
    assertThat(a.argv()).containsExactly("/usr/bin/ls", "--color=never", "-la", "/tmp");
    assertThat(a.rule().name()).isEqualTo("ls");
  }

  @Test
  void check_noExtraWords_allowed() throws IOException {
    assertThat(allowed(check(lsWhitelist(""), "alice", Set.of(), "ls")).argv())
        .containsExactly("/usr/bin/ls", "--color=never");
  }

  @Test
  void check_otherUserWithRole_allowed() throws IOException {
    allowed(check(lsWhitelist(""), "bob", Set.of("dev", "ops"), "ls"));
  }

  @Test
  void check_otherUserWithoutRole_deniedLikeUnknownCommand() throws IOException {
    Whitelist w = lsWhitelist("");
    Denied notPermitted = denied(check(w, "bob", Set.of("dev"), "ls"));
    Denied unknown = denied(check(w, "bob", Set.of("dev"), "rm"));

    assertThat(notPermitted.reason()).isEqualTo(DenialReason.COMMAND_NOT_ALLOWED);
    assertThat(notPermitted.message()).isEqualTo("command 'ls' is not allowed for user 'bob'");
    assertThat(unknown.reason()).isEqualTo(DenialReason.COMMAND_NOT_ALLOWED);
    assertThat(unknown.message()).isEqualTo("command 'rm' is not allowed for user 'bob'");
  }

  @Test
  void check_roleNamedLikeUser_doesNotAdmit() throws IOException {
    denied(check(lsWhitelist(""), "bob", Set.of("alice"), "ls"));
  }

  @Test
  void check_byPathInsteadOfName_denied() throws IOException {
    denied(check(lsWhitelist(""), "alice", Set.of(), "/usr/bin/ls"));
  }

  @Test
  void check_emptyWords_denied() throws IOException {
    assertThat(denied(lsWhitelist("").check("alice", Set.of(), List.of())).reason())
        .isEqualTo(DenialReason.COMMAND_NOT_ALLOWED);
  }

  @Test
  void check_tooManyArgs_denied() throws IOException {
    Denied d = denied(check(lsWhitelist(""), "alice", Set.of(), "ls", "-l", "/a", "/b", "/c"));
    assertThat(d.reason()).isEqualTo(DenialReason.ARGUMENT_NOT_ALLOWED);
    assertThat(d.message()).isEqualTo("command 'ls' accepts at most 3 arguments, got 4");
  }

  @Test
  void check_optionInjection_deniedNamingIndexAndValue() throws IOException {
    Denied d = denied(check(lsWhitelist(""), "alice", Set.of(), "ls", "-l", "--help"));
    assertThat(d.reason()).isEqualTo(DenialReason.ARGUMENT_NOT_ALLOWED);
    assertThat(d.message())
        .startsWith("command 'ls' argument 2 '--help' matches none of the allowed patterns");
  }

  @Test
  void check_partialPatternMatch_denied() throws IOException {
    Whitelist w = lsWhitelist("");
    denied(check(w, "alice", Set.of(), "ls", "-lx"));
    denied(check(w, "alice", Set.of(), "ls", "x/tmp"));
    denied(check(w, "alice", Set.of(), "ls", "/tmp x"));
  }

  @Test
  void check_dotDotSegment_denied() throws IOException {
    Whitelist w = lsWhitelist("");
    for (String word : List.of("/..", "/tmp/..", "/tmp/../etc", "/../etc/")) {
      Denied d = denied(check(w, "alice", Set.of(), "ls", word));
      assertThat(d.message())
          .as(word)
          .isEqualTo("command 'ls' argument 1 '" + word + "' contains a '..' path segment");
    }
  }

  @Test
  void check_dotsThatAreNotDotDotSegments_allowed() throws IOException {
    Whitelist w = lsWhitelist("");
    allowed(check(w, "alice", Set.of(), "ls", "/tmp/...", "/a..b", "/."));
  }

  @Test
  void check_allowDotDot_permitsDotDot() throws IOException {
    Whitelist w =
        load(entry("    max_args: 1\n    arg_patterns: ['[./a-z]+']\n    allow_dotdot: true\n"));
    allowed(check(w, "alice", Set.of(), "ls", "../etc"));
  }

  @Test
  void check_controlCharacter_deniedWhateverThePattern() throws IOException {
    Whitelist w =
        load(entry("    max_args: 1\n    arg_patterns: ['(?s).*']\n    allow_dotdot: true\n"));
    Denied d = denied(check(w, "alice", Set.of(), "ls", "a\0b"));
    assertThat(d.reason()).isEqualTo(DenialReason.ARGUMENT_NOT_ALLOWED);
    assertThat(d.message())
        .isEqualTo("command 'ls' argument 1 'a\\u0000b' contains control character U+0000");
    denied(check(w, "alice", Set.of(), "ls", "x\ny"));
    allowed(check(w, "alice", Set.of(), "ls", "x y"));
  }

  @Test
  void check_longValue_truncatedInMessage() throws IOException {
    String word = "--" + "x".repeat(5000);
    Denied d = denied(check(lsWhitelist(""), "alice", Set.of(), "ls", word));
    assertThat(d.message())
        .contains("'" + word.substring(0, 64) + "...' (5002 chars)")
        .hasSizeLessThan(300);
  }

  @Test
  void check_hostileCommandName_escapedInMessage() throws IOException {
    Denied d = denied(check(lsWhitelist(""), "alice", Set.of(), "ls\nrm"));
    assertThat(d.message()).isEqualTo("command 'ls\\u000Arm' is not allowed for user 'alice'");
  }

  // ---- the class: every position, every path-like part, every option-like word ----

  /** Words that climb out of a directory through some path-like part. */
  static final List<String> CLIMBING =
      List.of(
          "..",
          "../x",
          "a/..",
          "a/../b",
          "/a/../../b",
          "--directory=../secret",
          "--directory=..",
          "--dir=a/../../b",
          "-C..",
          "x=a:../b",
          "PATH=/bin:..",
          "a,../b",
          "a\\..\\b",
          "--opt=..:x");

  /** Words with dots that do not climb. */
  static final List<String> NOT_CLIMBING =
      List.of("a..b", "...", "..a", "a/...", "--x=a..b", "v1..v2", "x=...", "/.");

  /** Words a program would take as an option. */
  static final List<String> OPTIONS =
      List.of("--host", "-H", "--host=attacker", "-", "--", "-1", "--no-pager", "-rf");

  private Whitelist anyWords(String extra) throws IOException {
    return load(entry("    max_args: 4\n    arg_patterns: ['-(?s).*', '(?s).*']\n" + extra));
  }

  private static String[] wordsWith(int position, String word) {
    String[] words = {"ls", "ok", "ok", "ok", "ok"};
    words[position + 1] = word;
    return words;
  }

  @Test
  void check_dotDotInAnyPathLikePart_atEveryPosition_denied() throws IOException {
    Whitelist w = anyWords("");
    for (int position = 0; position < 4; position++) {
      for (String word : CLIMBING) {
        Denied d = denied(check(w, "alice", Set.of(), wordsWith(position, word)));
        assertThat(d.message())
            .as("%s at argument %d", word, position + 1)
            .startsWith("command 'ls' argument " + (position + 1) + " ")
            .endsWith("contains a '..' path segment");
      }
      for (String word : NOT_CLIMBING) {
        allowed(check(w, "alice", Set.of(), wordsWith(position, word)));
      }
    }
  }

  @Test
  void check_dashedWord_onlyAdmittedByPatternStartingWithDash_atEveryPosition() throws IOException {
    Whitelist natural =
        load(entry("    max_args: 4\n    arg_patterns: ['[a-z0-9@._-]+', '(?s).*']\n"));
    Whitelist withOptions =
        load(entry("    max_args: 4\n    arg_patterns: ['[a-z0-9@._-]+', '--?[A-Za-z0-9=-]*']\n"));
    for (int position = 0; position < 4; position++) {
      for (String word : OPTIONS) {
        Denied d = denied(check(natural, "alice", Set.of(), wordsWith(position, word)));
        assertThat(d.message())
            .as("%s at argument %d", word, position + 1)
            .contains("argument " + (position + 1) + " ")
            .contains("starts with '-' like an option");
        allowed(check(withOptions, "alice", Set.of(), wordsWith(position, word)));
      }
      allowed(check(natural, "alice", Set.of(), wordsWith(position, "nginx.service")));
    }
  }

  @Test
  void check_systemctlStatusHost_deniedWithTheNaturalUnitPattern() throws IOException {
    Whitelist w =
        load(
            """
            commands:
              - name: status
                path: /usr/bin/ls
                args: ["status", "--no-pager"]
                max_args: 1
                arg_patterns: ["[a-z0-9@._-]+"]
                users: ["*"]
            """);
    denied(check(w, "alice", Set.of(), "status", "--host"));
    denied(check(w, "alice", Set.of(), "status", "-H"));
    assertThat(allowed(check(w, "alice", Set.of(), "status", "nginx.service")).argv())
        .containsExactly("/usr/bin/ls", "status", "--no-pager", "nginx.service");
  }

  @Test
  void check_endOfOptions_putsDoubleDashBeforeTheCallersWords() throws IOException {
    Whitelist w =
        load(
            """
            commands:
              - name: status
                path: /usr/bin/ls
                args: ["status", "--no-pager"]
                end_of_options: true
                positional:
                  - pattern: "[a-z0-9][a-z0-9@._-]{0,62}[.]service"
                users: ["*"]
            """);
    CommandRule rule = w.rule("status").orElseThrow();
    assertThat(rule.maxArgs()).as("max_args defaults to the positional count").isEqualTo(1);
    assertThat(allowed(check(w, "alice", Set.of(), "status", "nginx.service")).argv())
        .containsExactly("/usr/bin/ls", "status", "--no-pager", "--", "nginx.service");
    assertThat(allowed(check(w, "alice", Set.of(), "status")).argv())
        .containsExactly("/usr/bin/ls", "status", "--no-pager", "--");
    denied(check(w, "alice", Set.of(), "status", "--host=x.service"));
    denied(check(w, "alice", Set.of(), "status", "a.service", "b.service"));
  }

  @Test
  void check_positionalSpecs_eachPositionHasItsOwnPattern_pathPositionRefusesDotDot()
      throws IOException {
    Whitelist w =
        load(
            entry(
                """
                    max_args: 3
                    allow_dotdot: true
                    positional:
                      - pattern: "[a-z]+"
                      - pattern: "[a-z./]+"
                        path: true
                    arg_patterns: ["[0-9.]+"]
                """));
    assertThat(allowed(check(w, "alice", Set.of(), "ls", "abc", "/a/b", "1.5")).argv())
        .containsExactly("/usr/bin/ls", "abc", "/a/b", "1.5");
    assertThat(denied(check(w, "alice", Set.of(), "ls", "123")).message())
        .contains("argument 1")
        .contains("[[a-z]+] for argument 1");
    for (String climbing : List.of("..", "a/../b", "/a/..", "../../x")) {
      assertThat(denied(check(w, "alice", Set.of(), "ls", "abc", climbing)).message())
          .as(climbing)
          .endsWith("contains a '..' path segment");
    }
    // allow_dotdot still applies where the entry did not say "path".
    allowed(check(w, "alice", Set.of(), "ls", "abc", "/a", ".."));
    denied(check(w, "alice", Set.of(), "ls", "abc", "/a", "x"));
  }

  @Test
  void load_endOfOptionsWithOptionPattern_failsNamingIt() throws IOException {
    assertLoadFails(
            entry("    max_args: 1\n    arg_patterns: ['-[lah]+']\n    end_of_options: true\n"))
        .hasMessageContaining("end_of_options")
        .hasMessageContaining("'-[lah]+'");
  }

  @Test
  void load_morePositionalThanMaxArgs_fails() throws IOException {
    assertLoadFails(entry("    max_args: 1\n    positional: [{pattern: a}, {pattern: b}]\n"))
        .hasMessageContaining("positional lists 2 words but max_args is 1");
  }

  @Test
  void load_positionalWithoutPatternOrWithUnknownKey_fails() throws IOException {
    assertLoadFails(entry("    positional: [{path: true}]\n"))
        .hasMessageContaining("positional item 1 needs a 'pattern'");
    assertLoadFails(entry("    positional: [{pattern: a, paht: true}]\n"))
        .hasMessageContaining("paht");
    assertLoadFails(entry("    positional: [{pattern: '(a'}]\n"))
        .hasMessageContaining("positional item 1, pattern");
  }

  @Test
  void defaults_echoStillEchoesDashedWords_othersRefuseUnknownOptions() {
    Whitelist w = Whitelist.defaults();
    assumeCommand(w, "echo");
    allowed(check(w, "alice", Set.of(), "echo", "-n", "hi"));
    if (w.rule("ls").isPresent()) {
      denied(check(w, "alice", Set.of(), "ls", "--color=always"));
      denied(check(w, "alice", Set.of(), "ls", "-la", "--directory=../etc"));
    }
  }

  private static void assumeCommand(Whitelist w, String name) {
    org.junit.jupiter.api.Assumptions.assumeTrue(w.rule(name).isPresent(), name + " missing here");
  }

  @Test
  void readme_safeEntryExamples_loadAndMeanWhatTheySay() throws IOException {
    for (String exe : List.of("/usr/bin/systemctl", "/usr/bin/journalctl", "/usr/bin/tail")) {
      org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(exe)), exe);
    }
    String readme = Files.readString(Path.of("README.md"));
    int at = readme.indexOf("**Writing a safe entry.**");
    int start = readme.indexOf("```yaml\n", at) + "```yaml\n".length();
    Whitelist w = load(readme.substring(start, readme.indexOf("```", start)));
    Set<String> ops = Set.of("ops");
    assertThat(allowed(check(w, "bob", ops, "unit-status", "nginx.service")).argv())
        .containsExactly(
            "/usr/bin/systemctl", "status", "--no-pager", "--lines=50", "--", "nginx.service");
    denied(check(w, "bob", ops, "unit-status", "--host"));
    denied(check(w, "bob", ops, "unit-status", "attacker"));
    allowed(check(w, "bob", ops, "unit-logs", "--unit=nginx.service", "--since=2026-11-27"));
    denied(check(w, "bob", ops, "unit-logs", "--host=attacker"));
    denied(check(w, "bob", ops, "unit-logs", "--unit=nginx.service", "-H"));
    assertThat(allowed(check(w, "bob", ops, "show-log", "/var/log/syslog")).argv())
        .containsExactly("/usr/bin/tail", "-n", "100", "--", "/var/log/syslog");
    denied(check(w, "bob", ops, "show-log", "/var/log/../../etc/shadow"));
    denied(check(w, "bob", Set.of(), "show-log", "/var/log/syslog"));
  }
}
