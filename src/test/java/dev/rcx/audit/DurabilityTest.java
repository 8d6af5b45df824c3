package dev.rcx.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rcx.audit.KeyedVerifyResult.Authentic;
import dev.rcx.testing.TestClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DurabilityTest {
  @TempDir Path dir;

  @Test
  void fsync_manyConcurrentAppenders_keepTheChainValidAndLoseNothing() throws Exception {
    Path file = dir.resolve("audit.log");
    String key;
    try (AuditLog log =
        AuditLog.open(
            file,
            TestClock.ticking(),
            AuditLog.Options.defaults()
                .withDurability(Durability.FSYNC)
                .withSealInterval(Duration.ZERO))) {
      key = log.takeVerificationKey().orElseThrow();
      ConcurrentAppendTest.appendConcurrently(log, file);
      assertThat(log.groupForces()).isPositive();
    }
    ConcurrentAppendTest.assertEveryRecordOnce(file);
    assertThat(AuditLog.verify(file)).isInstanceOf(VerifyResult.Intact.class);
    int records = ConcurrentAppendTest.THREADS * ConcurrentAppendTest.PER_THREAD;
    assertThat(AuditLog.verify(file, key))
        .isInstanceOfSatisfying(
            Authentic.class,
            a -> {
              assertThat(a.records() - a.sealedEpochs()).isEqualTo(records);
              assertThat(a.unsealedTail()).isZero();
            });
  }

  @Test
  void groupCommit_appendersArrivingDuringAForce_shareTheNextForce() throws Exception {
    AtomicLong written = new AtomicLong();
    AtomicInteger forces = new AtomicInteger();
    CountDownLatch firstForceEntered = new CountDownLatch(1);
    CountDownLatch releaseFirstForce = new CountDownLatch(1);
    GroupCommit commit =
        new GroupCommit(
            written::get,
            () -> {
              if (forces.incrementAndGet() == 1) {
                firstForceEntered.countDown();
                await(releaseFirstForce);
              }
            },
            0);

    written.set(1);
    Thread leader = Thread.ofPlatform().name("leader").start(() -> awaitDurable(commit, 1));
    assertThat(firstForceEntered.await(10, TimeUnit.SECONDS)).isTrue();
    List<Thread> followers = new ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      written.set(i);
      long seq = i;
      followers.add(
          Thread.ofPlatform().name("follower-" + i).start(() -> awaitDurable(commit, seq)));
    }
    for (Thread t : followers) {
      waitUntilWaiting(t);
    }
    releaseFirstForce.countDown();
    leader.join(10_000);
    for (Thread t : followers) {
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
    }
    // One force for record 1; records 2-6, written while it ran, all share the second.
    assertThat(forces.get()).isEqualTo(2);
    assertThat(commit.forces()).isEqualTo(2);
  }

  @Test
  void groupCommit_failedForce_failsThisAndEveryLaterWait() {
    AtomicInteger forces = new AtomicInteger();
    GroupCommit commit =
        new GroupCommit(
            () -> 5,
            () -> {
              forces.incrementAndGet();
              throw new IOException("disk on fire");
            },
            0);
    assertThatThrownBy(() -> commit.awaitDurable(1))
        .isInstanceOf(IOException.class)
        .hasMessage("disk on fire");
    assertThatThrownBy(() -> commit.awaitDurable(2))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("earlier fsync");
    assertThat(forces.get()).isEqualTo(1);
  }

  @Test
  void groupCommit_alreadyDurable_doesNotForce() throws IOException {
    AtomicInteger forces = new AtomicInteger();
    GroupCommit commit = new GroupCommit(() -> 3, forces::incrementAndGet, 0);
    commit.markDurable(3);
    commit.awaitDurable(3);
    assertThat(forces.get()).isZero();
  }

  private static void awaitDurable(GroupCommit commit, long seq) {
    try {
      commit.awaitDurable(seq);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void waitUntilWaiting(Thread t) throws InterruptedException {
    for (int i = 0; i < 1000 && t.getState() != Thread.State.WAITING; i++) {
      Thread.sleep(5);
    }
    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
  }
}
