package dev.rcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rcx.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The watchdog never drops a failure silently, nor floods the log with a repeating one. */
class WatchdogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(Watchdog.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  private @Nullable Level before;

  @BeforeEach
  void attach() {
    before = logger.getLevel();
    logger.setLevel(Level.INFO); // tests keep the root logger off
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(logged);
    logger.setLevel(before);
  }

  @Test
  @SuppressWarnings("try") // the watchdog only has to tick while the try runs; nothing calls it
  void housekeepingFails_loggedOnceWithItsCause_thenRecoveryLogged_tickingGoesOn() {
    AtomicInteger runs = new AtomicInteger();
    Runnable housekeeping =
        () -> {
          int n = runs.incrementAndGet();
          if (n >= 2 && n <= 5) {
            throw new IllegalStateException("disk gone " + n);
          }
        };
    try (Watchdog w = new Watchdog(Duration.ofMillis(10), housekeeping)) {
      Poll.until("eight housekeeping runs", Duration.ofSeconds(20), () -> runs.get() >= 8);
    }
    List<ILoggingEvent> events = List.copyOf(logged.list);
    assertThat(events)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getFormattedMessage()).contains("housekeeping failed");
              assertThat(e.getThrowableProxy().getMessage()).isEqualTo("disk gone 2");
            });
    assertThat(events)
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("after 4 failed ticks"));
  }
}
