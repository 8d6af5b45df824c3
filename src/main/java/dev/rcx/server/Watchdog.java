package dev.rcx.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Enforces the deadlines blocking I/O cannot: the TLS handshake timeout, the timeout for a line
 * that starts but never ends (a slow or partial sender) and the same timeout for a reply the client
 * does not take (a client that stopped reading). One named platform thread ticks every {@code tick}
 * over the live connections and closes the sockets of those past a deadline; the connection's own
 * thread then sees the failure and audits it.
 */
final class Watchdog implements AutoCloseable {
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final Runnable housekeeping;

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
        c.abort("watchdog_error");
      }
    }
    try {
      housekeeping.run();
    } catch (RuntimeException e) {
      // Housekeeping is best effort; the next tick tries again.
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
