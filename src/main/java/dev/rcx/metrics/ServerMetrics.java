package dev.rcx.metrics;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the server reports about itself. The server calls only this interface; {@link #none()}
 * ignores everything (metrics are off by default), {@link #prometheus} exposes it over HTTP. Every
 * label value passed in must come from a small closed set (outcome names, whitelist entry names),
 * never from the client, so the number of series stays bounded.
 *
 * <p>Implementations are thread-safe and never throw from the recording methods.
 */
public interface ServerMetrics extends AutoCloseable {

  /** A connection was accepted and is now served. */
  void connectionOpened();

  /** A served connection ended. */
  void connectionClosed();

  /**
   * A connection was refused before being served ({@code reason}: e.g. {@code max_connections}).
   */
  void connectionRefused(String reason);

  /** A TLS handshake finished, successfully or not. */
  void tlsHandshake(boolean succeeded);

  /**
   * A login attempt ended: {@code success}, {@code failure}, {@code rate_limited} or {@code error}.
   */
  void login(String outcome);

  /**
   * A command request ended. {@code entry} is the whitelist entry's name, or {@code "-"} when the
   * request named no entry; {@code outcome} one of {@code completed}, {@code timed_out}, {@code
   * cancelled}, {@code launch_failed}, {@code busy}, {@code denied}, {@code executable_changed}.
   * {@code duration} is the run time of a command that ran, else null.
   */
  void command(String entry, String outcome, @Nullable Duration duration);

  /** One audit record was written (and flushed or synced) in {@code nanos}. */
  void auditWrite(long nanos);

  /** A policy reload ended ({@code reloaded} or {@code rejected}). */
  void policyReload(String result);

  /** Reports {@code live} as the number of live sessions whenever metrics are collected. */
  void sessionsLive(LongSupplier live);

  /**
   * Hook for audit forwarding to syslog: reports {@code backlog} (records written locally but not
   * yet delivered to the collector) whenever metrics are collected, as {@code
   * rcx_audit_syslog_backlog_records}. Nothing calls it until forwarding exists.
   */
  void syslogBacklog(LongSupplier backlog);

  /** The address metrics are served on, if any. */
  default Optional<InetSocketAddress> address() {
    return Optional.empty();
  }

  @Override
  void close();

  /** Metrics that record nothing. */
  static ServerMetrics none() {
    return NoMetrics.INSTANCE;
  }

  /**
   * Serves Prometheus metrics at {@code http://ADDRESS/metrics}, and two health endpoints that
   * write no audit record: {@code /health} (200 {@code ok}, or 503 with {@code health}'s problem)
   * and the exporter's own {@code /-/healthy}.
   *
   * @param health returns a problem that makes the server unhealthy, or empty when it is fine
   */
  static ServerMetrics prometheus(InetSocketAddress address, Supplier<Optional<String>> health)
      throws java.io.IOException {
    return PrometheusMetrics.start(address, health);
  }
}
