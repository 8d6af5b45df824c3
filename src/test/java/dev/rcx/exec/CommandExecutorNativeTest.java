package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.exec.ExecResult.Completed;
import dev.rcx.spawn.Launcher;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared contract against the native launcher, plus what only it promises: process groups. */
class CommandExecutorNativeTest extends CommandExecutorTest {
  @Override
  Launcher launcher() {
    return Launcher.nativeLauncher();
  }

  /**
   * Stress: the I/O loop once keyed epoll events by descriptor number, so a stale event for a pipe
   * closed earlier in the same batch could reach a newly registered pidfd with that number and kill
   * a running command (exit 137). That took tens of thousands of commands to show, so this can only
   * make it likely, not certain, to be caught.
   */
  @Test
  @Tag("heavy")
  @Timeout(120)
  void run_thousandsConcurrently_noneKilledOrMixedUp() throws Exception {
    assertConcurrentRunsCorrect(20, 200);
  }

  @Test
  void run_command_leadsItsOwnSessionAndGroup() {
    Completed c = as(run(LONG, MIB, "/bin/cat", "/proc/self/stat"), Completed.class);
    String stat = c.output().stdout();
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
    long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
    // After the command name: state, ppid, pgrp, session.
    assertThat(Long.parseLong(fields[2])).as("pgrp").isEqualTo(pid);
    assertThat(Long.parseLong(fields[3])).as("session").isEqualTo(pid);
  }

  @Test
  void run_backgroundChildAfterNormalExit_killed() throws Exception {
    Completed c =
        as(run(LONG, MIB, "/bin/sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"), Completed.class);

    long sleeper = Long.parseLong(c.output().stdout().strip());
    assertAllGone(ProcessHandle.of(sleeper).stream().toList());
  }

  @Test
  void run_backgroundChildHoldingStdout_killedAndOutputEndsPromptly() throws Exception {
    long start = System.nanoTime();
    Completed c = as(run(LONG, MIB, "/bin/sh", "-c", "sleep 60 & echo $!"), Completed.class);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    long sleeper = Long.parseLong(c.output().stdout().strip());
    assertAllGone(ProcessHandle.of(sleeper).stream().toList());
    // Without the group kill the sleeper would hold the pipe until the drain grace gives up on it.
    assertThat(took).isLessThan(Execution.DRAIN_GRACE);
  }
}
