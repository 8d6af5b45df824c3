package dev.rcx.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FairSlotsTest {
  @Test
  void acquire_userAtItsLimit_waitsWhileOthersTakeFreeSlots() throws Exception {
    FairSlots slots = new FairSlots(4, 2);
    assertThat(slots.acquire("greedy", Duration.ZERO)).isTrue();
    assertThat(slots.acquire("greedy", Duration.ZERO)).isTrue();
    assertThat(slots.acquire("greedy", Duration.ofMillis(50))).as("greedy at its cap").isFalse();
    assertThat(slots.acquire("polite", Duration.ZERO)).isTrue();
    assertThat(slots.heldBy("greedy")).isEqualTo(2);
  }

  @Test
  void release_waitingUsersServedRoundRobin_notFirstComeFirstServed() throws Exception {
    FairSlots slots = new FairSlots(1, 1);
    assertThat(slots.acquire("a", Duration.ZERO)).isTrue();
    ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
    List<Thread> waiters = new ArrayList<>();
    // a queues three, then b and c queue one each.
    for (String user : List.of("a", "a", "a", "b", "c")) {
      waiters.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      if (slots.acquire(user, Duration.ofSeconds(20))) {
                        order.add(user);
                        Thread.sleep(20);
                        slots.release(user);
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      Thread.sleep(50); // queue in this order
    }
    slots.release("a");
    for (Thread t : waiters) {
      t.join(Duration.ofSeconds(20));
    }
    assertThat(order).hasSize(5);
    List<String> served = List.copyOf(order);
    // b and c are served before a's second and third queued command.
    assertThat(served.indexOf("b")).isLessThan(served.lastIndexOf("a"));
    assertThat(served.indexOf("c")).isLessThan(served.lastIndexOf("a"));
    assertThat(served.subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void acquire_timesOut_leavesNoGhostWaiter() throws Exception {
    FairSlots slots = new FairSlots(1, 1);
    assertThat(slots.acquire("a", Duration.ZERO)).isTrue();
    assertThat(slots.acquire("b", Duration.ofMillis(30))).isFalse();
    slots.release("a");
    assertThat(slots.acquire("c", Duration.ZERO)).as("the slot is free, not held by b").isTrue();
  }
}
