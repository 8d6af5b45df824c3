package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.testing.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the orphan guard tells its watcher, read from a stand-in watcher ({@code cat} into a file):
 * a registration at once, a removal within {@link OrphanGuard#REMOVAL_DELAY} even when nothing
 * follows it, in an order that leaves exactly the running commands registered. The real watcher
 * killing real commands is {@code lifecycle/OrphanedCommandTest}.
 */
class OrphanGuardTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private OrphanGuard start(Path out) throws IOException {
    return OrphanGuard.start(List.of("sh", "-c", "exec cat > '" + out + "'"));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void registrationWrittenAtOnce_removalWrittenWithoutAFollowingRegistration() throws Exception {
    Path out = dir.resolve("watcher.txt");
    try (OrphanGuard guard = start(out)) {
      guard.register(4001, 4001, 77);
      Poll.until("registration written", WAIT, () -> text(out).contains("+ 4001 4001 77\n"));
      long ended = System.nanoTime();
      guard.unregister(4001);
      // Nothing else happens: the removal still goes out on its own.
      Poll.until("removal written", WAIT, () -> text(out).contains("- 4001\n"));
      assertThat(Duration.ofNanos(System.nanoTime() - ended))
          .as("not before its delay (removals wait to share a wake-up)")
          .isGreaterThanOrEqualTo(OrphanGuard.REMOVAL_DELAY.minusMillis(5));
      assertThat(guard.registeredPids()).isEmpty();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void reusedPid_removalOfTheOldBeforeTheNew_newStaysRegistered() throws Exception {
    Path out = dir.resolve("watcher.txt");
    OrphanGuard guard = start(out);
    try {
      guard.register(4002, 4002, 100);
      Poll.until("first registration written", WAIT, () -> text(out).contains("+ 4002 4002 100"));
      guard.unregister(4002); // waits for its delay...
      guard.register(4002, 4002, 200); // ...and goes out with this one
    } finally {
      closeAndAwaitWatcher(guard);
    }
    assertThat(replay(text(out))).containsOnlyKeys(4002L).containsEntry(4002L, "4002 200");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void manyCommandsFromManyThreads_closeWritesEverything_watcherHoldsExactlyTheRunningOnes()
      throws Exception {
    Path out = dir.resolve("watcher.txt");
    OrphanGuard guard = start(out);
    int threads = 4;
    int perThread = 500;
    List<Thread> started = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int base = 10_000 * (t + 1);
        started.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < perThread; i++) {
                        guard.register(base + i, base + i, i);
                        if (i % 10 != 0) { // every tenth keeps running
                          guard.unregister(base + i);
                        }
                      }
                    }));
      }
      for (Thread t : started) {
        t.join(30_000);
      }
      guard.unregister(999_999); // never registered: nothing written
    } finally {
      closeAndAwaitWatcher(guard);
    }
    Map<Long, String> held = replay(text(out));
    assertThat(held.keySet()).containsExactlyInAnyOrderElementsOf(guard.registeredPids());
    assertThat(held).hasSize(threads * perThread / 10);
    assertThat(text(out)).doesNotContain("999999");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void watcherDies_nextRegistrationStartsANewOne_withEverythingStillRegistered() throws Exception {
    Path out = dir.resolve("watcher.txt");
    try (OrphanGuard guard = start(out)) {
      guard.register(4003, 4003, 1);
      guard.register(4004, 4004, 2);
      Poll.until("registrations written", WAIT, () -> text(out).contains("+ 4004"));
      guard.unregister(4003);
      long first = guard.watcherPid();
      ProcessHandle.of(first).orElseThrow().destroyForcibly();
      Poll.until("watcher dead", WAIT, () -> guard.watcherPid() == -1);
      guard.register(4005, 4005, 3);
      Poll.until(
          "a new watcher told everything still registered",
          WAIT,
          () -> text(out).contains("+ 4005 4005 3\n"));
      assertThat(guard.watcherPid()).isNotEqualTo(first);
      assertThat(replay(text(out))).containsOnlyKeys(4004L, 4005L);
    }
  }

  /** Closes the pipe and waits for the watcher to have written all it read, and exited. */
  private static void closeAndAwaitWatcher(OrphanGuard guard) {
    guard.close();
    Poll.until("watcher exited at end of file", WAIT, () -> guard.watcherPid() == -1);
  }

  /** What the real watcher holds after reading {@code lines}: pid to "group start". */
  private static Map<Long, String> replay(String lines) {
    Map<Long, String> live = new LinkedHashMap<>();
    for (String line : lines.split("\n", -1)) {
      String[] f = line.split(" ", 0);
      if (f.length == 4 && f[0].equals("+")) {
        live.put(Long.parseLong(f[1]), f[2] + " " + f[3]);
      } else if (f.length == 2 && f[0].equals("-")) {
        assertThat(live)
            .as("removal of a pid never registered: %s", line)
            .containsKey(Long.parseLong(f[1]));
        live.remove(Long.parseLong(f[1]));
      }
    }
    return live;
  }

  private static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
