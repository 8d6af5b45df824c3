package dev.rcx.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProblemsTest {
  @Test
  void sameKind_loggedOncePerInterval_withTheCountLeftOut() {
    AtomicLong now = new AtomicLong();
    List<String> out = new ArrayList<>();
    Problems p = new Problems((l, m) -> out.add(l + " " + m), now::get, Duration.ofMinutes(1));
    for (int i = 0; i < 100; i++) {
      p.report("connect", Problems.Level.WARN, "down " + i);
      now.addAndGet(Duration.ofMillis(250).toNanos());
    }
    p.report("tls", Problems.Level.ERROR, "other kind");
    assertThat(out).containsExactly("WARN down 0", "ERROR other kind");
    now.addAndGet(Duration.ofMinutes(1).toNanos());
    p.report("connect", Problems.Level.WARN, "still down");
    assertThat(out.getLast())
        .isEqualTo("WARN still down (99 more like this since the last such message)");
  }

  @Test
  void backoff_doublesFromAQuarterSecond_boundedByTheMaximum() {
    Backoff b = new Backoff(Duration.ofSeconds(2), () -> 0.999999);
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(b.next().toMillis());
    }
    assertThat(waits).containsExactly(249L, 499L, 999L, 1999L, 1999L, 1999L);
    b.reset();
    Backoff low = new Backoff(Duration.ofSeconds(2), () -> 0.0);
    assertThat(low.next().toMillis()).isEqualTo(125);
  }
}
