package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.client.RcxClient;
import dev.rcx.exec.ExecutablePin;
import dev.rcx.exec.Whitelist;
import dev.rcx.exec.WhitelistException;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.TestCommands;
import dev.rcx.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An entry pinned with {@code sha256:} runs only while its executable has that content: a real
 * binary copied into the test directory runs, and once it is replaced by another program the
 * command is refused, the replacement never runs, and the refusal is audited.
 */
class ExecutablePinTest {
  @TempDir Path dir;

  @Test
  void pinnedBinary_replaced_refusedNotRunAndAudited() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path echo = Files.copy(Path.of("/bin/echo"), bin.resolve("echo"));
    String pin = ExecutablePin.sha256(echo);
    Path marker = dir.resolve("replacement-ran");
    try (TestServer s =
        TestServer.builder(dir)
            .commands(
                c ->
                    TestCommands.in(dir.resolve("commands"))
                        .command("echo", "/bin/echo", e -> e.maxArgs(1).patterns(".*"))
                        .command(
                            "pinned",
                            echo.toString(),
                            e -> e.maxArgs(1).patterns("[a-z]+").sha256(pin)))
            .start()) {
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        Response ok = c.exec("pinned hello");
        assertThat(ok).isInstanceOf(Response.CommandOutput.class);
        assertThat(((Response.CommandOutput) ok).output()).isEqualTo("hello\n");

        // Replace the binary the way an attacker or a careless upgrade would: a new file renamed
        // over the old one.
        Path evil = bin.resolve("evil");
        Files.writeString(evil, "#!/bin/sh\ntouch '" + marker + "'\n");
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(evil, echo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        Response refused = c.exec("pinned hello");
        assertThat(refused).isInstanceOf(Response.Error.class);
        assertThat(((Response.Error) refused).code()).isEqualTo(ErrorCode.COMMAND_NOT_ALLOWED);
        assertThat(((Response.Error) refused).message()).contains("executable changed");
        assertThat(marker).doesNotExist();

        // Rewritten in place (same inode, new content) is caught too.
        Files.copy(Path.of("/bin/true"), echo, StandardCopyOption.REPLACE_EXISTING);
        assertThat(c.exec("pinned hello")).isInstanceOf(Response.Error.class);
      }
      JsonNode audited = s.auditEvents("executable_changed").getFirst();
      assertThat(audited.path("user").asText()).isEqualTo("alice");
      assertThat(audited.path("command").asText()).isEqualTo("pinned");
      assertThat(audited.path("path").asText()).isEqualTo(echo.toString());
      assertThat(audited.path("expected").asText()).isEqualTo(pin);
      assertThat(audited.path("actual").asText()).hasSize(64).isNotEqualTo(pin);
      assertThat(audited.path("policy").asText()).isEqualTo(s.server().policyHash());
      assertThat(s.auditEvents("executable_changed")).hasSize(2);
      assertThat(s.auditEvents("command_run")).hasSize(1);
      s.assertStillServes();
      assertThat(marker).doesNotExist();
    }
  }

  @Test
  void load_stalePin_refusedNamingBothHashes() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path tool = Files.copy(Path.of("/bin/true"), bin.resolve("tool"));
    String wrong = "0".repeat(64);
    Path yaml =
        TestCommands.in(dir.resolve("commands"))
            .command("tool", tool.toString(), e -> e.sha256(wrong))
            .write();
    assertThatThrownBy(() -> Whitelist.load(yaml))
        .isInstanceOf(WhitelistException.class)
        .hasMessageContaining(":2: entry 1")
        .hasMessageContaining("'tool'")
        .hasMessageContaining("sha256 of '" + tool + "' is " + ExecutablePin.sha256(tool))
        .hasMessageContaining("not the pinned '" + wrong + "'");
  }

  @Test
  void load_badPinSyntax_refused() {
    Path yaml =
        TestCommands.in(dir.resolve("commands"))
            .command("tool", "/bin/true", e -> e.sha256("ABC"))
            .write();
    assertThatThrownBy(() -> Whitelist.load(yaml))
        .hasMessageContaining("sha256 'ABC' must be 64 lower-case hex");
  }
}
