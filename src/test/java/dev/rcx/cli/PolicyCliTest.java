package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rcx policy check} and {@code rcx policy lint} on real files, without a server. */
class PolicyCliTest {
  @TempDir Path dir;

  private Path whitelist() throws Exception {
    return Files.writeString(
        dir.resolve("commands.yaml"),
        """
        commands:
          - name: hello
            path: /bin/echo
            args: ["hello"]
            max_args: 1
            arg_patterns: ["[a-z]{1,8}"]
            timeout: 2s
            roles: [ops]
        """);
  }

  @Test
  void check_allowedByRole_namesEntryLineAndArgv_exit0() throws Exception {
    Path file = whitelist();
    Cli.Result r =
        Cli.run(
            "policy",
            "check",
            "--commands",
            file.toString(),
            "--user",
            "bob",
            "--roles",
            "dev,ops",
            "hello",
            "world");
    assertThat(r.code()).as(r.toString()).isEqualTo(0);
    assertThat(r.out())
        .contains("allowed by entry 'hello' (" + file.toAbsolutePath() + ":2)")
        .contains("argv:    /bin/echo hello world")
        .contains("timeout 2000 ms")
        .containsPattern("policy sha256:[0-9a-f]{64}");
  }

  @Test
  void check_deniedWithoutRoleOrBadArgument_exit251_nothingRuns() throws Exception {
    Path file = whitelist();
    Path marker = dir.resolve("ran");
    Cli.Result noRole =
        Cli.run(
            "policy", "check", "--commands", file.toString(), "--user", "bob", "hello", "world");
    assertThat(noRole.code()).isEqualTo(251);
    assertThat(noRole.out()).contains("denied (COMMAND_NOT_ALLOWED)");
    Cli.Result badArg =
        Cli.run(
            "policy",
            "check",
            "--commands",
            file.toString(),
            "--user",
            "bob",
            "--roles",
            "ops",
            "hello",
            "--help");
    assertThat(badArg.code()).isEqualTo(251);
    assertThat(badArg.out()).contains("denied (ARGUMENT_NOT_ALLOWED)").contains("'--help'");
    Cli.Result shell =
        Cli.run(
            "policy",
            "check",
            "--commands",
            file.toString(),
            "--user",
            "bob",
            "--roles",
            "ops",
            "hello x; touch " + marker);
    assertThat(shell.code()).isEqualTo(251);
    assertThat(marker).doesNotExist();
  }

  @Test
  void check_viaConfigFile_andBuiltIn() throws Exception {
    Path file = whitelist();
    Path config = Files.writeString(dir.resolve("rcx.yaml"), "commands: commands.yaml\n");
    Cli.Result viaConfig =
        Cli.run(
            "policy",
            "check",
            "--config",
            config.toString(),
            "--user",
            "a",
            "--roles",
            "ops",
            "hello");
    assertThat(viaConfig.code()).as(viaConfig.toString()).isEqualTo(0);
    assertThat(viaConfig.out()).contains(file.toAbsolutePath() + ":2");
    Cli.Result builtIn = Cli.run("policy", "check", "--user", "anyone", "uptime");
    assertThat(builtIn.code()).as(builtIn.toString()).isEqualTo(0);
    assertThat(builtIn.out()).contains("allowed by entry 'uptime' (built-in)");
    Cli.Result both =
        Cli.run(
            "policy",
            "check",
            "--config",
            config.toString(),
            "--commands",
            file.toString(),
            "--user",
            "a",
            "x");
    assertThat(both.code()).isEqualTo(254);
  }

  @Test
  void check_brokenFile_exit1_namesLine() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "commands:\n  - name: x\n    path: /bin/true\n    timeout: soon\n    users: ['*']\n");
    Cli.Result r = Cli.run("policy", "check", "--commands", bad.toString(), "--user", "a", "x");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(":2: entry 1").contains("'x'").contains("timeout 'soon'");
  }

  @Test
  void lint_riskyEntries_eachWarned_exit1() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path shared = Files.copy(Path.of("/bin/true"), bin.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path foreign = Files.copy(Path.of("/bin/true"), bin.resolve("foreign"));
    UserPrincipal nobody =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    if (!Files.getOwner(foreign).getName().equals("nobody")) {
      try {
        Files.setOwner(foreign, nobody);
      } catch (java.io.IOException e) {
        // Not root: the copy is owned by the test's own user, which is not root either.
      }
    }
    Path file =
        Files.writeString(
            dir.resolve("risky.yaml"),
            """
            commands:
              - name: shared
                path: %s
                timeout: 1s
                users: [alice]
              - name: foreign
                path: %s
                timeout: 1s
                users: [alice]
              - name: shell
                path: /bin/sh
                timeout: 1s
                users: [alice]
              - name: py
                path: /usr/bin/env
                args: [python3]
                timeout: 1s
                users: [alice]
              - name: any
                path: /bin/echo
                max_args: 1
                arg_patterns: [".*"]
                timeout: 1s
                users: [alice]
              - name: opts
                path: /bin/echo
                max_args: 1
                arg_patterns: ["-[a-z]+"]
                timeout: 1s
                users: [alice]
              - name: forever
                path: /bin/true
                users: [alice]
              - name: fine
                path: /bin/true
                timeout: 1s
                users: [alice]
            """
                .formatted(shared, foreign));
    Cli.Result r = Cli.run("policy", "lint", file.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            ":2: warning: entry 'shared': executable " + shared + " is writable by every user")
        .contains(":6: warning: entry 'foreign': executable " + foreign + " is owned by '")
        .contains(":10: warning: entry 'shell': executable /bin/sh")
        .contains("entry 'py': executable /usr/bin/env (env) runs code")
        .contains("entry 'any': arg_pattern '.*' matches everything")
        .contains("entry 'opts': arg_pattern '-[a-z]+' admits options (like '-x')")
        .contains("entry 'forever': no timeout")
        .doesNotContain("entry 'fine'");
  }

  @Test
  void lint_shippedExample_runs() {
    Path example = Path.of("src/main/resources/dev/rcx/exec/commands.example.yaml");
    Cli.Result r = Cli.run("policy", "lint", example.toString());
    assertThat(r.out()).contains("warning: entry 'ls': arg_pattern '-[lahtr1]+' admits options");
  }
}
