package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.testing.Poll;
import dev.rcx.testing.TestClock;
import dev.rcx.testing.Tmpfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotation by size on a real full tmpfs: the closed file keeps its seal (it fits in its last
 * page), but the next file cannot take its first record, so the record that asked for the rotation
 * is refused ({@link AuditUnavailableException}) and nothing of it is written anywhere; once space
 * is back the log finishes the rotation by itself and the files verify as one chain.
 */
class RotationDiskFullTest {
  private static final long MAX = 6000;

  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void rotateBySize_nextFileCannotBeWritten_recordRefused_finishedAfterRecovery() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), 256 * 1024)) {
      Path log = fs.dir().resolve("audit.log");
      AuditLog.Options options = Samples.SEALED.withEpochRecords(1000).withMaxFileBytes(MAX);
      String key;
      try (AuditLog a = AuditLog.open(log, TestClock.ticking(), options)) {
        key = a.takeVerificationKey().orElseThrow();
        // Fill the first file up to the point where the next record rotates it; its last 4 KiB
        // page then still has room for the closing seal.
        int i = 0;
        while (Files.size(log) + 330 + 256 <= MAX) {
          a.append(Samples.command("alice", i++));
        }
        assertThat(Files.size(log) % 4096).as("slack left in the last page").isLessThan(3500);
        fs.fill();
        AuditEvent refused = Samples.command("refused", 1);
        assertThatThrownBy(() -> a.append(refused))
            .isInstanceOf(AuditUnavailableException.class)
            .hasMessageContaining("audit.log");
        // The first file is closed and sealed; the new one holds nothing; the record is nowhere.
        List<AuditFiles.Segment> files = AuditFiles.list(log);
        assertThat(files).hasSize(2);
        assertThat(Files.readString(files.get(0).path())).contains("\"reason\":\"rotate\"");
        assertThat(Files.size(log)).isZero();
        assertThatThrownBy(() -> a.append(Samples.command("refused", 2)))
            .isInstanceOf(AuditUnavailableException.class);

        fs.release();
        Poll.until("rotation finished", Duration.ofSeconds(20), () -> log.toFile().length() > 0);
        a.append(Samples.command("bob", 1));
      }
      String all =
          Files.readString(AuditFiles.list(log).get(0).path(), StandardCharsets.UTF_8)
              + Files.readString(log, StandardCharsets.UTF_8);
      assertThat(all)
          .doesNotContain("\"user\":\"refused\"")
          .contains("\"audit_rotated\"")
          .contains("\"refused_events\":{\"command_run\":2}");
      FilesVerifyResult r = AuditLog.verifyFiles(log, key);
      assertThat(r).as(r.summary()).isInstanceOf(FilesVerifyResult.Verified.class);
    }
  }
}
