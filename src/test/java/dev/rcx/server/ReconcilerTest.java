package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditEvent.CommandAbandoned;
import dev.rcx.audit.AuditLog;
import dev.rcx.exec.ProcStat;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a starting server does with commands its log records as started and never ended: a pid that
 * now belongs to another process is left alone (the recorded start time differs), a live command is
 * killed, and every one gets exactly one {@code command_abandoned}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconcilerTest {
  private static final String CLIENT = "127.0.0.1:5555";

  @TempDir Path dir;

  @Test
  void reconcile_pidNowAnotherProcess_leftAlone_liveCommandKilled_unlaunchedRecorded()
      throws Exception {
    Process stranger = new ProcessBuilder("/bin/sleep", "60").start();
    Process ours = new ProcessBuilder("/bin/sleep", "60").start();
    try {
      long strangerStart = ProcStat.of(stranger.pid()).orElseThrow().startTime();
      long oursStart = ProcStat.of(ours.pid()).orElseThrow().startTime();
      Path log = dir.resolve("audit.log");
      try (AuditLog a = AuditLog.open(log, Clock.systemUTC())) {
        started(a, "reused");
        // Same pid, another start time: the command's process is gone and the pid was reused.
        a.append(
            new AuditEvent.CommandLaunched(
                CLIENT, "alice", "s1", "reused", stranger.pid(), null, strangerStart - 1));
        started(a, "alive");
        a.append(
            new AuditEvent.CommandLaunched(
                CLIENT, "alice", "s1", "alive", ours.pid(), null, oursStart));
        started(a, "unlaunched");
        started(a, "ended");
        a.append(
            new AuditEvent.CommandRun(
                CLIENT,
                "alice",
                "s1",
                "ended",
                "sleep",
                List.of("/bin/sleep", "60"),
                0,
                "completed",
                1,
                0,
                0,
                false));
      }
      List<CommandAbandoned> written;
      try (AuditLog a = AuditLog.open(log, Clock.systemUTC())) {
        written = Reconciler.run(log, a);
      }
      assertThat(written)
          .extracting(CommandAbandoned::commandId, CommandAbandoned::outcome)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("reused", CommandAbandoned.PID_REUSED),
              org.assertj.core.groups.Tuple.tuple("alive", CommandAbandoned.KILLED),
              org.assertj.core.groups.Tuple.tuple("unlaunched", CommandAbandoned.NOT_LAUNCHED));
      assertThat(ours.waitFor(10, TimeUnit.SECONDS)).as("our command killed").isTrue();
      assertThat(stranger.isAlive()).as("the stranger with the reused pid").isTrue();

      // Settled for good: a second start finds nothing left to do.
      try (AuditLog a = AuditLog.open(log, Clock.systemUTC())) {
        assertThat(Reconciler.run(log, a)).isEmpty();
      }
    } finally {
      stranger.destroyForcibly();
      ours.destroyForcibly();
    }
  }

  private static void started(AuditLog a, String id) {
    a.append(
        new AuditEvent.CommandStarted(
            CLIENT, "alice", "s1", id, "sleep", List.of("/bin/sleep", "60"), 30_000));
  }
}
