package dev.rcx.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the deadlines blocking I/O cannot: the TLS handshake timeout, the timeout for a line
 * that starts but never ends (a slow or partial sender) and the same timeout for a reply the client
 * does not take (a client that stopped reading). One named platform thread ticks every {@code tick}
 * over the live connections and closes the sockets of those past a deadline; the connection's own
 * thread then sees the failure and audits it.
 */
final class Watchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final Runnable housekeeping;

  /** Housekeeping failures in a row: the first is logged with its stack, the rest counted. */
  private int housekeepingFailures;

  Watchdog(Duration tick, Runnable housekeeping) {
    this.housekeeping = housekeeping;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rcx-watchdog");
              t.setDaemon(true);
              return t;
            });
    // Runs until close() shuts the timer down.
    Future<?> unused =
        timer.scheduleWithFixedDelay(
            this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  void watch(Connection c) {
    connections.add(c);
  }

  void forget(Connection c) {
    connections.remove(c);
  }

  Set<Connection> connections() {
    return Set.copyOf(connections);
  }

  private void tick() {
    long now = System.nanoTime();
    for (Connection c : connections) {
      try {
        c.enforceDeadlines(now);
      } catch (RuntimeException e) {
        // One connection's failure must not stop the watchdog for the others.
        log.warn("deadline check failed for {}; closing it", c, e);
        c.abort("watchdog_error");
      }
    }
    try {
      housekeeping.run();
      if (housekeepingFailures > 0) {
        log.info("housekeeping works again after {} failed ticks", housekeepingFailures);
        housekeepingFailures = 0;
      }
    } catch (RuntimeException e) {
      // Best effort: the next tick tries again. Logged once per run of failures, not every tick.
      if (housekeepingFailures++ == 0) {
        log.warn("housekeeping failed (session expiry, user-change records); retrying", e);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
