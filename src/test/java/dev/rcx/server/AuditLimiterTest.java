package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.audit.AuditEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuditLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final AuditLimiter limiter = new AuditLimiter(3, now::get);

  @Test
  void admit_firstRecordsOfAWindow_writtenRestCountedAndSummarisedByEvent() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.admit("10.0.0.1", "protocol_error")).isTrue();
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.admit("10.0.0.1", i % 2 == 0 ? "protocol_error" : "connection_opened"))
          .isFalse();
    }
    assertThat(limiter.admit("10.0.0.2", "protocol_error")).as("other address").isTrue();
    assertThat(limiter.drain(false)).as("window not over").isEmpty();
    now.addAndGet(AuditLimiter.WINDOW.toNanos());
    List<AuditEvent.AuditSuppressed> out = limiter.drain(false);
    assertThat(out)
        .containsExactly(
            new AuditEvent.AuditSuppressed(
                "10.0.0.1", 1000, 60, "connection_opened:500,protocol_error:500"));
    assertThat(limiter.admit("10.0.0.1", "protocol_error")).as("a new window").isTrue();
  }

  @Test
  void admit_manyAddresses_trackedMapBounded() {
    for (int i = 0; i < AuditLimiter.MAX_ADDRESSES + 5_000; i++) {
      limiter.admit("a" + i, "connection_opened");
    }
    assertThat(limiter.tracked()).isLessThanOrEqualTo(AuditLimiter.MAX_ADDRESSES + 1);
    now.addAndGet(Duration.ofMinutes(2).toNanos());
    List<AuditEvent.AuditSuppressed> out = limiter.drain(false);
    assertThat(out).extracting(AuditEvent.AuditSuppressed::client).contains(AuditLimiter.OTHERS);
    assertThat(limiter.tracked()).isZero();
  }

  @Test
  void addresses_ipv6CountedPer64_mappedIpv4AsIpv4() throws Exception {
    assertThat(Addresses.keyOfClient("[2001:db8:1:2:aaaa::1]:5555"))
        .isEqualTo(Addresses.keyOfClient("[2001:db8:1:2:bbbb::9]:1"))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(Addresses.keyOfClient("127.0.0.5:4444")).isEqualTo("127.0.0.5");
    assertThat(Addresses.key(java.net.InetAddress.getByName("::ffff:10.1.2.3")))
        .isEqualTo("10.1.2.3");
  }

  @Test
  void acceptBackoff_doublesToOneSecond_resetsAfterSuccess() {
    AcceptBackoff b = new AcceptBackoff();
    List<Long> pauses = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pauses.add(b.failed().toMillis());
    }
    assertThat(pauses).containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L, 1000L);
    b.succeeded();
    assertThat(b.failed()).isEqualTo(AcceptBackoff.FIRST);
    assertThat(b.failures()).isEqualTo(11);
  }
}
