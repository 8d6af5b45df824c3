package dev.rcx.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link ServerMetrics} with the official Prometheus Java client (1.x): one registry per server, an
 * HTTP exporter on two platform threads. The only class that imports the Prometheus client.
 */
final class PrometheusMetrics implements ServerMetrics {
  private static final double[] COMMAND_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
  };
  private static final double[] AUDIT_BUCKETS = {
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1, 0.5, 1
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Gauge connectionsOpen;
  private final Counter connections;
  private final Counter connectionsRefused;
  private final Counter handshakes;
  private final Counter handshakeFailures;
  private final Counter logins;
  private final Counter commands;
  private final Histogram commandDuration;
  private final Histogram auditWrite;
  private final Counter reloads;
  private final ExecutorService threads;
  private final HTTPServer http;
  private final InetSocketAddress bound;

  /** Registers every metric, then serves them on {@code address}. */
  private PrometheusMetrics(InetSocketAddress address, Supplier<Optional<String>> health)
      throws IOException {
    connectionsOpen =
        Gauge.builder()
            .name("rcx_connections_open")
            .help("Connections being served now")
            .register(registry);
    connections =
        Counter.builder()
            .name("rcx_connections_total")
            .help("Connections accepted and served")
            .register(registry);
    connectionsRefused =
        Counter.builder()
            .name("rcx_connections_refused_total")
            .help("Connections refused before being served, by reason")
            .labelNames("reason")
            .register(registry);
    handshakes =
        Counter.builder()
            .name("rcx_tls_handshakes_total")
            .help("TLS handshakes attempted (successful or not)")
            .register(registry);
    handshakeFailures =
        Counter.builder()
            .name("rcx_tls_handshake_failures_total")
            .help("TLS handshakes that failed")
            .register(registry);
    logins =
        Counter.builder()
            .name("rcx_logins_total")
            .help("Login attempts by outcome (success, failure, rate_limited, error)")
            .labelNames("outcome")
            .register(registry);
    commands =
        Counter.builder()
            .name("rcx_commands_total")
            .help("Command requests by whitelist entry ('-' if none matched) and outcome")
            .labelNames("entry", "outcome")
            .register(registry);
    commandDuration =
        Histogram.builder()
            .name("rcx_command_duration_seconds")
            .help("Run time of commands that ran, by whitelist entry")
            .unit(Unit.SECONDS)
            .labelNames("entry")
            .classicOnly()
            .classicUpperBounds(COMMAND_BUCKETS)
            .register(registry);
    auditWrite =
        Histogram.builder()
            .name("rcx_audit_write_seconds")
            .help("Time to write (and flush or fsync) one audit record")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(AUDIT_BUCKETS)
            .register(registry);
    reloads =
        Counter.builder()
            .name("rcx_policy_reloads_total")
            .help("Policy reloads by result (reloaded, rejected)")
            .labelNames("result")
            .register(registry);
    threads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "rcx-metrics-http");
              t.setDaemon(true);
              return t;
            });
    bound = address;
    try {
      http =
          HTTPServer.builder()
              .inetAddress(address.getAddress())
              .port(address.getPort())
              .registry(registry)
              .executorService(threads)
              .registerHealthHandler(true)
              .defaultHandler(exchange -> serveDefault(exchange, health))
              .buildAndStart();
    } catch (IOException | RuntimeException e) {
      threads.shutdownNow();
      throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
  }

  static PrometheusMetrics start(InetSocketAddress address, Supplier<Optional<String>> health)
      throws IOException {
    return new PrometheusMetrics(address, health);
  }

  /** {@code /health}; anything else but the exporter's own paths is 404. */
  private static void serveDefault(HttpExchange exchange, Supplier<Optional<String>> health)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      int status;
      String body;
      if (path.equals("/health")) {
        Optional<String> problem = health.get();
        status = problem.isEmpty() ? 200 : 503;
        body = problem.map(p -> "unhealthy: " + p).orElse("ok") + "\n";
      } else {
        status = 404;
        body = "not found; try /metrics or /health\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public Optional<InetSocketAddress> address() {
    return Optional.of(new InetSocketAddress(bound.getAddress(), http.getPort()));
  }

  @Override
  public void connectionOpened() {
    connections.inc();
    connectionsOpen.inc();
  }

  @Override
  public void connectionClosed() {
    connectionsOpen.dec();
  }

  @Override
  public void connectionRefused(String reason) {
    connectionsRefused.labelValues(reason).inc();
  }

  @Override
  public void tlsHandshake(boolean succeeded) {
    handshakes.inc();
    if (!succeeded) {
      handshakeFailures.inc();
    }
  }

  @Override
  public void login(String outcome) {
    logins.labelValues(outcome).inc();
  }

  @Override
  public void command(String entry, String outcome, @Nullable Duration duration) {
    commands.labelValues(entry, outcome).inc();
    if (duration != null) {
      commandDuration.labelValues(entry).observe(duration.toNanos() / 1e9);
    }
  }

  @Override
  public void auditWrite(long nanos) {
    auditWrite.observe(nanos / 1e9);
  }

  @Override
  public void policyReload(String result) {
    reloads.labelValues(result).inc();
  }

  @Override
  public void sessionsLive(LongSupplier live) {
    GaugeWithCallback.builder()
        .name("rcx_sessions_live")
        .help("Live (logged-in, unexpired) sessions")
        .callback(cb -> cb.call((double) live.getAsLong()))
        .register(registry);
  }

  @Override
  public void syslogBacklog(LongSupplier backlog) {
    GaugeWithCallback.builder()
        .name("rcx_audit_syslog_backlog_records")
        .help("Audit records written locally but not yet delivered to the syslog collector")
        .callback(cb -> cb.call((double) backlog.getAsLong()))
        .register(registry);
  }

  @Override
  public void close() {
    http.close();
    threads.shutdownNow();
  }
}
