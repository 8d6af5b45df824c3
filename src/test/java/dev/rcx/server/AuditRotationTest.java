package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.audit.AuditFiles;
import dev.rcx.audit.AuditLog;
import dev.rcx.audit.AuditUnavailableException;
import dev.rcx.audit.FilesVerifyResult;
import dev.rcx.client.RcxClient;
import dev.rcx.config.ServerConfig;
import dev.rcx.protocol.ErrorCode;
import dev.rcx.protocol.Response;
import dev.rcx.testing.Poll;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server rotating its audit log ({@code audit.max_file_bytes}, {@link
 * RcxServer#rotateAudit}) under load from several TLS clients, across a restart, and on a full
 * disk: no record is lost or written twice, every file links to the one before, and the files
 * verify as one chain with the key.
 */
class AuditRotationTest {
  @TempDir Path dir;

  private static UnaryOperator<ServerConfig> rotating(long maxFileBytes) {
    return c ->
        c.withAudit(
            new ServerConfig.Audit(
                ServerConfig.Durability.FSYNC, 16, 0, maxFileBytes)); // small epochs: many seals
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void rotation_underConcurrentClients_everyCommandRecordedOnce_filesVerifyAsOneChain()
      throws Exception {
    int clients = 4;
    int perClient = 15;
    String key;
    try (TestServer s = TestServer.builder(dir).config(rotating(8192)).start()) {
      key = s.server().takeAuditVerificationKey().orElseThrow();
      for (int i = 0; i < clients; i++) {
        s.addUser("user" + i, "pw");
      }
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> done = new ArrayList<>();
      try {
        for (int i = 0; i < clients; i++) {
          String user = "user" + i;
          done.add(
              pool.submit(
                  () -> {
                    int ok = 0;
                    try (RcxClient c = s.loggedIn(user, "pw")) {
                      go.await();
                      for (int n = 0; n < perClient; n++) {
                        if (c.exec("echo", List.of(user + "-" + n))
                            instanceof Response.CommandOutput) {
                          ok++;
                        }
                      }
                    }
                    return ok;
                  }));
        }
        go.countDown();
        // One rotation asked for while the clients run, as `rcx audit rotate` would.
        Thread.sleep(200);
        AuditLog.Rotation asked = s.server().rotateAudit();
        assertThat(asked.closedFile()).exists();
        for (Future<Integer> f : done) {
          assertThat(f.get(150, TimeUnit.SECONDS)).isEqualTo(perClient);
        }
      } finally {
        pool.shutdownNow();
      }
      // Every command has exactly one start and one end record, in whichever file.
      Map<String, Integer> ends = new HashMap<>();
      for (JsonNode e : s.auditEvents("command_run")) {
        ends.merge(e.path("argv").path(1).asText(), 1, Integer::sum);
      }
      assertThat(ends).hasSize(clients * perClient).allSatisfy((arg, n) -> assertThat(n).isOne());
      assertThat(s.auditEvents("command_started")).hasSize(clients * perClient);
      assertThat(s.auditEvents("audit_rotated"))
          .extracting(e -> e.path("trigger").asText())
          .contains("size", "requested");
    }
    List<AuditFiles.Segment> files = AuditFiles.inDataDir(dir.resolve("data"));
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    FilesVerifyResult r = AuditLog.verifyFiles(AuditFiles.current(dir.resolve("data")), key);
    assertThat(r).as(r.summary()).isInstanceOf(FilesVerifyResult.Verified.class);
    assertThat(r.summary()).contains("key file consistent");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void restartAfterRotation_continuesTheChainAndItsEpochs() throws Exception {
    String key;
    Path data;
    try (TestServer s = TestServer.builder(dir).config(rotating(4096)).start()) {
      key = s.server().takeAuditVerificationKey().orElseThrow();
      data = s.dataDir();
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        for (int i = 0; i < 12; i++) {
          assertThat(c.exec("echo", List.of("first-" + i)))
              .isInstanceOf(Response.CommandOutput.class);
        }
      }
    }
    int before = AuditFiles.inDataDir(data).size();
    assertThat(before).isGreaterThanOrEqualTo(3);
    try (TestServer s = TestServer.builder(dir).config(rotating(4096)).start()) {
      assertThat(s.server().takeAuditVerificationKey()).isEmpty();
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        for (int i = 0; i < 12; i++) {
          assertThat(c.exec("echo", List.of("second-" + i)))
              .isInstanceOf(Response.CommandOutput.class);
        }
      }
      assertThat(s.auditEvents("server_started")).hasSize(2);
    }
    assertThat(AuditFiles.inDataDir(data).size()).isGreaterThan(before);
    FilesVerifyResult r = AuditLog.verifyFiles(AuditFiles.current(data), key);
    assertThat(r).as(r.summary()).isInstanceOf(FilesVerifyResult.Verified.class);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void rotation_onAFullDisk_refusesTheRecordAndTheCommand_completesOnceSpaceIsBack()
      throws Exception {
    Path markers = Files.createDirectories(dir.resolve("markers"));
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("data"), 512 * 1024);
        TestServer s =
            TestServer.builder(dir)
                .config(rotating(1 << 20))
                .commands(
                    c ->
                        c.command(
                            "touch",
                            "/usr/bin/touch",
                            e -> e.maxArgs(1).patterns("/[A-Za-z0-9/._-]+")))
                .start()) {
      String key = s.server().takeAuditVerificationKey().orElseThrow();
      s.addUser("alice", "pw");
      try (RcxClient c = s.loggedIn("alice", "pw")) {
        assertThat(c.exec("touch " + markers.resolve("before")))
            .isInstanceOf(Response.CommandOutput.class);
        int filesBefore = AuditFiles.inDataDir(s.dataDir()).size();
        fs.fill();
        // The rotation cannot write its seal or the new file's first record: refused, and the
        // log refuses records until it can finish the rotation.
        assertThatThrownBy(() -> s.server().rotateAudit())
            .isInstanceOf(AuditUnavailableException.class);
        for (int i = 0; i < 5; i++) {
          Path marker = markers.resolve("during-" + i);
          Response r = c.exec("touch " + marker);
          assertThat(r).isInstanceOf(Response.Error.class);
          assertThat(((Response.Error) r).code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
          assertThat(marker).as("a command whose record was refused must not run").doesNotExist();
        }
        fs.release();
        Poll.until(
            "the log recovers and finishes the rotation",
            Duration.ofSeconds(30),
            () -> !s.auditEvents("audit_gap").isEmpty());
        assertThat(c.exec("touch " + markers.resolve("after")))
            .isInstanceOf(Response.CommandOutput.class);
        assertThat(AuditFiles.inDataDir(s.dataDir()).size()).isGreaterThan(filesBefore);
        List<JsonNode> rotated = s.auditEvents("audit_rotated");
        assertThat(rotated).isNotEmpty();
        JsonNode gap = s.auditEvents("audit_gap").getLast();
        assertThat(gap.path("refused_events").path("command_started").asLong())
            .isGreaterThanOrEqualTo(5);
        List<String> started =
            s.auditEvents("command_started").stream()
                .map(e -> e.path("argv").path(1).asText())
                .toList();
        try (var files = Files.list(markers)) {
          for (Path p : files.toList()) {
            assertThat(started).as("start record of %s", p).contains(p.toString());
          }
        }
      }
      FilesVerifyResult r = AuditLog.verifyFiles(s.auditFile(), key);
      assertThat(r).as(r.summary()).isInstanceOf(FilesVerifyResult.Verified.class);
    }
  }
}
