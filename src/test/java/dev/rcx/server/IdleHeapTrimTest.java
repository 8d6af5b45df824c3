package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link IdleHeapTrim}: one full collection per idle period after the heap grew. */
class IdleHeapTrimTest {
  private static final long MIB = 1L << 20;

  private final AtomicLong now = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final AtomicLong committed = new AtomicLong(16 * MIB);
  private final AtomicInteger collected = new AtomicInteger();

  /** What a full collection leaves committed. */
  private long afterCollection = 16 * MIB;

  private IdleHeapTrim trim() {
    return trim(() -> afterCollection);
  }

  /** A trim over the fake heap; a full collection leaves {@code committedAfter} committed. */
  private IdleHeapTrim trim(LongSupplier committedAfter) {
    return new IdleHeapTrim(
        Duration.ofSeconds(10),
        now::get,
        collections::get,
        () -> new MemoryUsage(16 * MIB, 4 * MIB, committed.get(), 256 * MIB),
        () -> {
          collected.incrementAndGet();
          collections.incrementAndGet();
          committed.set(committedAfter.getAsLong());
        });
  }

  private void seconds(IdleHeapTrim t, int n) {
    for (int i = 0; i < n; i++) {
      now.addAndGet(TimeUnit.SECONDS.toNanos(1));
      t.tick();
    }
  }

  @Test
  void grownHeap_collectedOnceAfterTenQuietSeconds() {
    IdleHeapTrim t = trim();
    committed.set(200 * MIB);
    seconds(t, 10);
    assertThat(collected).as("not before 10 quiet seconds").hasValue(0);
    seconds(t, 2);
    assertThat(collected).hasValue(1);
    seconds(t, 60);
    assertThat(collected).as("nothing left to give back").hasValue(1);
  }

  @Test
  void busyServer_neverCollected() {
    IdleHeapTrim t = trim();
    committed.set(200 * MIB);
    for (int i = 0; i < 60; i++) {
      collections.incrementAndGet(); // the server's own allocation triggers collections
      seconds(t, 1);
    }
    assertThat(collected).hasValue(0);
  }

  @Test
  void heapThatStaysLarge_collectedOnlyAgainAfterItGrowsMore() {
    afterCollection = 150 * MIB; // live data: collections cannot shrink it below this
    IdleHeapTrim t = trim();
    committed.set(200 * MIB);
    seconds(t, 13);
    int firstTrim = collected.get();
    assertThat(firstTrim).as("falls once, then stops").isEqualTo(2);
    seconds(t, 60);
    assertThat(collected).as("no full collection every 10 s for live data").hasValue(firstTrim);
    committed.set(220 * MIB); // a second burst
    collections.incrementAndGet();
    seconds(t, 13);
    assertThat(collected.get()).isGreaterThan(firstTrim);
  }

  @Test
  void heapThatFallsInSteps_oneCollectionPerTickUntilItStops() {
    long[] steps = {180, 120, 60, 20};
    AtomicInteger step = new AtomicInteger();
    IdleHeapTrim stepped =
        trim(() -> steps[Math.min(step.getAndIncrement(), steps.length - 1)] * MIB);
    committed.set(200 * MIB);
    seconds(stepped, 10);
    assertThat(collected).hasValue(0);
    seconds(stepped, 1);
    assertThat(collected).as("one collection per tick, not all at once").hasValue(1);
    seconds(stepped, 30);
    assertThat(collected).as("stops once the heap is back near its start").hasValue(4);
    assertThat(committed.get()).isEqualTo(20 * MIB);
  }

  @Test
  void heapNearItsStart_notCollected() {
    IdleHeapTrim t = trim();
    committed.set(16 * MIB + IdleHeapTrim.SLACK_BYTES);
    seconds(t, 30);
    assertThat(collected).hasValue(0);
  }

  @Test
  void thisJvm_trimOnlyWithSerialOrParallel() {
    boolean g1 =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .anyMatch(g -> g.getName().startsWith("G1"));
    if (g1) {
      assertThat(IdleHeapTrim.forThisJvm(Duration.ofSeconds(10))).isEmpty();
    }
  }

  /**
   * The real collector: a JVM with ./rcx server's serial flags fills 160 MiB, drops it, and ticks
   * the trim for up to 20 s; its committed heap must fall back near its start.
   */
  @Test
  @Timeout(90)
  void serialCollector_realJvm_givesBackTheBurst() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-XX:+UseSerialGC",
                "-Xms16m",
                "-Xmx256m",
                "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30",
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.exitValue()).as(out).isZero();
    String[] mib = out.split(" ", -1);
    long peak = Long.parseLong(mib[0]);
    long after = Long.parseLong(mib[1]);
    assertThat(peak).as(out).isGreaterThan(150);
    assertThat(after).as("committed MiB after the trim (peak %d)", peak).isLessThan(64);
  }

  /** The child JVM of the test above: prints "PEAK_MIB AFTER_MIB BURST_MIB". */
  static final class Probe {
    public static void main(String[] args) throws InterruptedException {
      IdleHeapTrim trim = IdleHeapTrim.forThisJvm(Duration.ofMillis(500)).orElseThrow();
      List<byte[]> burst = new ArrayList<>();
      for (int i = 0; i < 160; i++) {
        burst.add(new byte[1 << 20]);
      }
      long peak = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
      long held = burst.stream().mapToLong(b -> b.length).sum();
      burst.clear();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      long committed = peak;
      while (System.nanoTime() < deadline && committed > 48 * MIB) {
        trim.tick();
        Thread.sleep(100);
        committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
      }
      System.out.println(peak / MIB + " " + committed / MIB + " " + held / MIB);
    }
  }
}
