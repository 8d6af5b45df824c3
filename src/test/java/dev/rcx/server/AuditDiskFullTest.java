package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.KeyedVerifyResult;
import dev.rcx.audit.VerifyResult;
import dev.rcx.client.RcxClient;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log recovers from a full disk, on a real small tmpfs: while the disk is full, commands
 * are refused with {@code AUDIT_UNAVAILABLE} (connections, pings and logins are still answered),
 * the log holds only whole records, and once space is freed the server resumes by itself, writing
 * an {@code audit_gap} record; the log then verifies, with and without the key. A free-space
 * reserve refuses new commands before the disk is full.
 */
class AuditDiskFullTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void diskFull_commandsRefusedTyped_stillAnswering_recoversWithoutRestart_gapRecord_verifies()
      throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("data"), 512 * 1024);
        TestServer s =
            TestServer.builder(dir)
                .config(c -> c.withAudit(c.audit().withMinFreeBytes(0)))
                .start()) {
      String key = s.server().takeAuditVerificationKey().orElseThrow();
      s.addUser("alice", "pw");
      Path log = s.auditFile();
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        assertThat(c.exec("echo", List.of("before"))).isInstanceOf(Response.CommandOutput.class);
        fs.fill();
        int refused = 0;
        for (int i = 0; i < 12; i++) {
          if (c.exec("echo", List.of("during")) instanceof Response.Error e) {
            assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
            refused++;
          }
        }
        assertThat(refused).as("commands refused while the disk is full").isGreaterThanOrEqualTo(9);
        assertThat(c.ping()).isInstanceOf(Response.Pong.class);

        // A new connection is served and its login answered with the typed error, not dropped.
        try (RcxClient other = s.client()) {
          Response.AuthResponse login = other.login("alice", "pw".toCharArray());
          assertThat(login).isInstanceOf(Response.AuthResponse.Failure.class);
          assertThat(((Response.AuthResponse.Failure) login).code())
              .isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
          assertThat(other.ping()).isInstanceOf(Response.Pong.class);
        }

        // No torn record in the middle: the file ends after a whole record and verifies.
        byte[] bytes = Files.readAllBytes(log);
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
        assertThat(AuditLog.verify(log)).isInstanceOf(VerifyResult.Intact.class);
        fs.release();
        Poll.until(
            "commands run again after space was freed",
            Duration.ofSeconds(20),
            () -> {
              try {
                return c.exec("echo", List.of("after")) instanceof Response.CommandOutput;
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
        JsonNode gap = s.awaitAudit("audit_gap", e -> true);
        assertThat(gap.path("refused").asLong()).isGreaterThanOrEqualTo(refused + 1L);
        assertThat(gap.path("refused_events").path("command_started").asLong())
            .isGreaterThanOrEqualTo(refused - 1L);
        assertThat(gap.path("refused_events").has("auth_succeeded")).isTrue();
        assertThat(gap.path("reason").asText()).contains("write failed");
        assertThat(gap.path("began").asText()).isLessThanOrEqualTo(gap.path("ended").asText());
        assertThat(s.auditEvents("command_started"))
            .extracting(e -> e.path("argv").path(1).asText())
            .contains("before", "after");
      }
      assertThat(AuditLog.verify(log)).isInstanceOf(VerifyResult.Intact.class);
      assertThat(AuditLog.verify(log, key)).isInstanceOf(KeyedVerifyResult.Authentic.class);
      s.assertStillServes();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void freeSpaceBelowReserve_newCommandsRefused_othersRecorded_gapRecordWhenSpaceBack()
      throws Exception {
    long reserve = 256 * 1024;
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("data"), 1024 * 1024);
        TestServer s =
            TestServer.builder(dir)
                .config(c -> c.withAudit(c.audit().withMinFreeBytes(reserve)))
                .start()) {
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        assertThat(c.exec("echo", List.of("before"))).isInstanceOf(Response.CommandOutput.class);
        fs.fillLeaving(reserve / 2);
        Response r = c.exec("echo", List.of("refused"));
        assertThat(r).isInstanceOf(Response.Error.class);
        assertThat(((Response.Error) r).code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
        assertThat(((Response.Error) r).message()).contains("not started");
        // Below the reserve, but not full: other records are still written.
        try (RcxClient other = s.loggedIn("alice", "pw")) {
          assertThat(other.ping()).isInstanceOf(Response.Pong.class);
        }
        assertThat(s.auditEvents("auth_succeeded")).hasSize(2);

        fs.release();
        assertThat(c.exec("echo", List.of("after"))).isInstanceOf(Response.CommandOutput.class);
        JsonNode gap = s.awaitAudit("audit_gap", e -> true, Duration.ofSeconds(10));
        assertThat(gap.path("reason").asText()).contains("audit.min_free_bytes");
        assertThat(gap.path("refused").asLong()).isEqualTo(1);
        assertThat(gap.path("refused_events").path("command_started").asLong()).isEqualTo(1);
        assertThat(gap.path("cut_bytes").asLong()).isZero();
      }
      assertThat(s.auditEvents("command_started"))
          .extracting(e -> e.path("argv").path(1).asText())
          .containsExactly("before", "after");
      assertThat(AuditLog.verify(s.auditFile())).isInstanceOf(VerifyResult.Intact.class);
    }
  }
}
