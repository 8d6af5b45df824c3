package dev.rcx.server;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditException;
import dev.rcx.audit.AuditSink;
import dev.rcx.config.ServerConfig;
import dev.rcx.metrics.ServerMetrics;
import dev.rcx.protocol.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one server shares. The handler is set once, right after construction.
 */
final class ServerContext {
  private static final Logger LOG = LoggerFactory.getLogger("dev.rcx.server");

  private final ServerConfig config;
  private final MessageCodec codec;
  private final AuditSink audit;
  private final ConnectionEnded ended;
  private final ServerMetrics metrics;
  private RequestHandler handler;
  private volatile boolean draining;

  interface ConnectionEnded {
    void ended(Connection c);
  }

  ServerContext(
      ServerConfig config,
      MessageCodec codec,
      AuditSink audit,
      ConnectionEnded ended,
      ServerMetrics metrics) {
    this.config = config;
    this.codec = codec;
    this.audit = audit;
    this.ended = ended;
    this.metrics = metrics;
  }

  ServerMetrics metrics() {
    return metrics;
  }

  void handler(RequestHandler h) {
    this.handler = h;
  }

  RequestHandler handler() {
    return handler;
  }

  ServerConfig config() {
    return config;
  }

  MessageCodec codec() {
    return codec;
  }

  Logger log() {
    return LOG;
  }

  /**
   * Appends and flushes; throws when the record could not be written, so the caller can refuse the
   * request.
   */
  void audit(AuditEvent event) {
    long start = System.nanoTime();
    audit.append(event);
    metrics.auditWrite(System.nanoTime() - start);
  }

  /** For records about connections that are ending anyway: a failure is logged, not thrown. */
  void auditQuietly(AuditEvent event) {
    try {
      audit(event);
    } catch (AuditException | IllegalStateException e) {
      LOG.error("audit log write failed for {}", event.getClass().getSimpleName(), e);
    }
  }

  /** From now on no new command starts; running ones may finish. */
  void drain() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  void connectionEnded(Connection c) {
    ended.ended(c);
  }
}
