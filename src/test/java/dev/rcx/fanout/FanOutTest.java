package dev.rcx.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FanOutTest {
  private static List<Target> targets(int n) {
    List<Target> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Target("h" + i, "127.0.0.1", 1000 + i, "alice", null));
    }
    return out;
  }

  private static HostResult ok(Target t) {
    return new HostResult(t, HostStatus.OK, 0, 1, false, null);
  }

  @Test
  void run_parallelTwo_neverMoreThanTwoAtOnce_resultsInTargetOrder() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    List<HostResult> results =
        FanOut.builder(
                (t, d) -> {
                  max.accumulateAndGet(now.incrementAndGet(), Math::max);
                  Thread.sleep(30);
                  now.decrementAndGet();
                  return ok(t);
                })
            .parallel(2)
            .run(targets(8));
    assertThat(max.get()).isEqualTo(2);
    assertThat(results)
        .extracting(r -> r.target().label())
        .containsExactly("h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7");
  }

  @Test
  void run_taskIgnoringInterrupt_settledAtItsDeadline_othersUnaffected() throws Exception {
    List<String> settledOrder = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean deafReturned =
        new java.util.concurrent.atomic.AtomicBoolean();
    long start = System.nanoTime();
    List<HostResult> results =
        FanOut.builder(
                (t, d) -> {
                  if (t.label().equals("h0")) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    while (System.nanoTime() < until) {
                      try {
                        Thread.sleep(50);
                      } catch (InterruptedException deaf) {
                        // Deaf to interrupts: the watchdog must settle it anyway.
                      }
                    }
                    deafReturned.set(true);
                  }
                  return ok(t);
                })
            .firstPhase("connect", Duration.ofMillis(500))
            .onResult(r -> settledOrder.add(r.target().label()))
            .run(targets(3));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(deafReturned).as("run returned before the deaf task did").isFalse();
    assertThat(ms).isLessThan(10_000);
    assertThat(results.get(0).status()).isEqualTo(HostStatus.NO_ANSWER);
    assertThat(results.get(0).error()).isEqualTo("no answer within the connect timeout of 500ms");
    assertThat(results.get(1).status()).isEqualTo(HostStatus.OK);
    // h1 and h2 finish at once in either order; the deaf h0 is settled last, by its deadline.
    assertThat(settledOrder).containsExactlyInAnyOrder("h0", "h1", "h2");
    assertThat(settledOrder.getLast()).isEqualTo("h0");
  }

  @Test
  void run_deadlineMovedToCommandPhase_namesThatPhase() throws Exception {
    List<HostResult> results =
        FanOut.builder(
                (t, d) -> {
                  d.next("command", Duration.ofMillis(300));
                  Thread.sleep(30_000); // interrupted by the watchdog
                  return ok(t);
                })
            .run(targets(1));
    assertThat(results.getFirst().status()).isEqualTo(HostStatus.NO_ANSWER);
    assertThat(results.getFirst().error()).contains("command timeout of 300ms");
  }

  @Test
  void run_taskThrows_reportedAsErrorForThatHostOnly() throws Exception {
    List<HostResult> results =
        FanOut.builder(
                (t, d) -> {
                  if (t.label().equals("h1")) {
                    throw new IllegalStateException("boom");
                  }
                  return ok(t);
                })
            .run(targets(3));
    assertThat(results)
        .extracting(HostResult::status)
        .containsExactly(HostStatus.OK, HostStatus.ERROR, HostStatus.OK);
    assertThat(results.get(1).error()).contains("boom");
  }
}
