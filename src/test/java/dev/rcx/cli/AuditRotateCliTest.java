package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.AuditFiles;
import dev.rcx.audit.AuditLog;
import dev.rcx.server.ControlSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rcx audit rotate} without a server: rotates offline as the owner of the log, refuses as
 * anyone else (the server could not write the new file), and treats a socket left by a dead server
 * as no server. With a running server it asks over the control socket: see {@code
 * lifecycle/AuditRotateProcessTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuditRotateCliTest {
  @TempDir Path dir;

  private Path log() {
    Path log = AuditFiles.current(dir);
    try (AuditLog a = AuditLog.open(log, Clock.systemUTC())) {
      a.append(new dev.rcx.audit.AuditEvent.ServerStopped("test"));
    }
    return log;
  }

  @Test
  void rotate_noServer_rotatesOfflineAndTheFilesVerify() {
    Path log = log();
    Cli.Result r = Cli.run("audit", "rotate", "--data-dir", dir.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("no server runs").contains("rotated offline").contains("audit-");
    assertThat(AuditFiles.list(log)).hasSize(2);
    Cli.Result v = Cli.run("audit", "verify", "--data-dir", dir.toString());
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(v.out()).contains("2 files");
  }

  @Test
  void rotate_staleSocketOfADeadServer_rotatesOffline() throws Exception {
    log();
    // A socket file nobody listens on, as a killed server leaves it.
    try (var ch =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      ch.bind(java.net.UnixDomainSocketAddress.of(dir.resolve(ControlSocket.FILE)));
    }
    assertThat(dir.resolve(ControlSocket.FILE)).exists();
    Cli.Result r = Cli.run("audit", "rotate", "--data-dir", dir.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("no server answers").contains("rotated offline");
  }

  @Test
  void rotate_offlineAsAnotherUserThanTheLogsOwner_isRefusedAndChangesNothing() throws Exception {
    Path log = log();
    UserPrincipal nobody;
    try {
      nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(log, nobody);
    } catch (java.io.IOException | UnsupportedOperationException e) {
      Assumptions.abort("needs root to give the log another owner: " + e);
      return;
    }
    Cli.Result r = Cli.run("audit", "rotate", "--data-dir", dir.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("must run as nobody").contains("runuser -u nobody");
    assertThat(AuditFiles.list(log)).hasSize(1);
  }

  @Test
  void verify_archiveDirectoryWithoutCurrentFile_checksTheClosedFiles() throws Exception {
    Path log = log();
    Cli.run("audit", "rotate", "--data-dir", dir.toString());
    Cli.run("audit", "rotate", "--data-dir", dir.toString());
    Path archive = Files.createDirectories(dir.resolve("archive"));
    for (AuditFiles.Segment f : AuditFiles.list(log)) {
      if (!f.current()) {
        Files.move(f.path(), archive.resolve(f.name()));
      }
    }
    Cli.Result r = Cli.run("audit", "verify", "--file", archive.resolve("audit.log").toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("2 files").contains("records seq 1..");
  }
}
