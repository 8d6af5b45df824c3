package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.auth.UserStore;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rcx user add|list|passwd|remove} on a data directory, and their effect on a running
 * server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UserCliTest {
  @TempDir Path dir;

  @Test
  void userLifecycle_addListPasswdRemove_takesEffectOnRunningServer() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      String data = s.dataDir().toString();

      Cli.Result add =
          Cli.withStdin(
              "first-pw\n",
              "user",
              "add",
              "bob",
              "--roles",
              "ops,admin",
              "--password-stdin",
              "--data-dir",
              data);
      assertThat(add.code()).as(add.toString()).isZero();
      assertThat(add.out()).contains("added user bob");
      assertThat(Files.getPosixFilePermissions(s.dataDir().resolve(UserStore.DEFAULT_FILE_NAME)))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(Files.readString(s.dataDir().resolve(UserStore.DEFAULT_FILE_NAME)))
          .doesNotContain("first-pw");
      assertThat(canLogin(s, "bob", "first-pw")).isTrue();

      Cli.Result list = Cli.run("user", "list", "--data-dir", data);
      assertThat(list.code()).isZero();
      assertThat(list.out())
          .contains("bob")
          .contains("ops")
          .contains("admin")
          .doesNotContain("argon2");

      Cli.Result passwd =
          Cli.withStdin(
              "second-pw\n", "user", "passwd", "bob", "--password-stdin", "--data-dir", data);
      assertThat(passwd.code()).as(passwd.toString()).isZero();
      assertThat(canLogin(s, "bob", "first-pw")).isFalse();
      assertThat(canLogin(s, "bob", "second-pw")).isTrue();

      Cli.Result remove = Cli.run("user", "remove", "bob", "--data-dir", data);
      assertThat(remove.code()).as(remove.toString()).isZero();
      assertThat(canLogin(s, "bob", "second-pw")).isFalse();
      assertThat(Cli.run("user", "list", "--data-dir", data).out()).doesNotContain("bob");
    }
  }

  @Test
  void add_existingUser_failsAndKeepsPassword() throws Exception {
    String data = dir.toString();
    assertThat(
            Cli.withStdin(
                    "carol-first-pw\n",
                    "user",
                    "add",
                    "carol",
                    "--password-stdin",
                    "--data-dir",
                    data)
                .code())
        .isZero();
    Cli.Result again =
        Cli.withStdin(
            "carol-second-pw\n", "user", "add", "carol", "--password-stdin", "--data-dir", data);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).startsWith("Error:").contains("carol");
    assertThat(UserStore.open(dir.resolve("users.json")).find("carol")).isPresent();
  }

  @Test
  void add_badName_failsNamingIt() {
    Cli.Result r =
        Cli.withStdin(
            "long-enough-pw\n",
            "user",
            "add",
            "../../etc",
            "--password-stdin",
            "--data-dir",
            dir.toString());
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).startsWith("Error:").contains("../../etc");
  }

  @Test
  void add_emptyStdin_usage() {
    Cli.Result r =
        Cli.withStdin("", "user", "add", "dave", "--password-stdin", "--data-dir", dir.toString());
    assertThat(r.code()).isEqualTo(254);
    assertThat(Files.exists(dir.resolve("users.json"))).isFalse();
  }

  @Test
  void removeOrPasswd_unknownUser_fails() {
    assertThat(Cli.run("user", "remove", "nobody", "--data-dir", dir.toString()).code())
        .isEqualTo(1);
    assertThat(
            Cli.withStdin(
                    "x\n",
                    "user",
                    "passwd",
                    "nobody",
                    "--password-stdin",
                    "--data-dir",
                    dir.toString())
                .code())
        .isEqualTo(1);
  }

  @Test
  void list_emptyDataDir_printsNothing() {
    Cli.Result r = Cli.run("user", "list", "--data-dir", dir.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
  }

  private static boolean canLogin(TestServer s, String user, String pw) throws Exception {
    try (RcxClient c = s.client()) {
      return c.login(user, pw.toCharArray()) instanceof Response.AuthResponse.Success;
    }
  }

  @Test
  void roles_fromCli_governWhitelistAccess() throws Exception {
    try (TestServer s =
        TestServer.builder(dir)
            .commands(c -> c.command("opsonly", "/bin/echo", e -> e.users().roles("ops")))
            .start()) {
      String data = s.dataDir().toString();
      Cli.withStdin(
          "long-enough-pw\n",
          "user",
          "add",
          "erin",
          "--roles",
          "ops",
          "--password-stdin",
          "--data-dir",
          data);
      Cli.withStdin(
          "long-enough-pw\n", "user", "add", "frank", "--password-stdin", "--data-dir", data);
      try (RcxClient erin = s.loggedIn("erin", "long-enough-pw");
          RcxClient frank = s.loggedIn("frank", "long-enough-pw")) {
        assertThat(erin.exec("opsonly"))
            .isInstanceOf(dev.rcx.protocol.Response.CommandOutput.class);
        assertThat(frank.exec("opsonly")).isInstanceOf(dev.rcx.protocol.Response.Error.class);
      }
      assertThat(
              UserStore.open(s.dataDir().resolve("users.json")).find("erin").orElseThrow().roles())
          .containsExactly("ops");
    }
  }
}
