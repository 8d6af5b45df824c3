package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.testing.TestClock;
import dev.rcx.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AuditLog#appendReserved} asks the file system for its free space on every call: the log
 * resolves its directory's file store once, but never keeps a free-space figure, and a directory it
 * cannot ask about counts as full.
 */
class FreeSpaceReserveTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void reserve_checkedOnEveryRecord_refusesOnceTheDiskFills_acceptsOnceFreed() throws Exception {
    long reserve = 256 * 1024;
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), 1024 * 1024)) {
      Path log = fs.dir().resolve("audit.log");
      AuditLog.Options options = Samples.SEALED.withMinFreeBytes(reserve);
      try (AuditLog a = AuditLog.open(log, TestClock.ticking(), options)) {
        // Asked many times with space to spare first: an answer kept from these would let the
        // record below through.
        for (int i = 0; i < 50; i++) {
          a.appendReserved(Samples.command("alice", i));
        }
        fs.fillLeaving(reserve / 2);
        assertThatThrownBy(() -> a.appendReserved(Samples.command("refused", 1)))
            .isInstanceOf(AuditUnavailableException.class)
            .hasMessageContaining("audit.min_free_bytes");
        // Below the reserve but not full: records of work under way are still written.
        a.append(Samples.command("bob", 1));

        fs.release();
        a.appendReserved(Samples.command("alice", 50));
      }
      assertThat(Files.readString(log))
          .doesNotContain("\"user\":\"refused\"")
          .contains("\"user\":\"bob\"");
    }
  }

  @Test
  void directoryThatCannotBeAsked_countsAsFull_untilItIsBack() throws Exception {
    Path logs = dir.resolve("logs");
    Path moved = dir.resolve("moved");
    Files.createDirectories(logs);
    AuditLog.Options options = Samples.UNSEALED.withMinFreeBytes(1);
    try (AuditLog a = AuditLog.open(logs.resolve("audit.log"), TestClock.ticking(), options)) {
      a.appendReserved(Samples.command("alice", 1));
      // The open file lives on, but its directory's path names nothing now: the free space
      // cannot be told, which must count as no space, not as the last answer.
      Files.move(logs, moved);
      try {
        assertThatThrownBy(() -> a.appendReserved(Samples.command("refused", 1)))
            .isInstanceOf(AuditUnavailableException.class)
            .hasMessageContaining("0 bytes free");
      } finally {
        Files.move(moved, logs);
      }
      a.appendReserved(Samples.command("alice", 2));
    }
    assertThat(Files.readString(logs.resolve("audit.log"))).doesNotContain("\"user\":\"refused\"");
  }
}
