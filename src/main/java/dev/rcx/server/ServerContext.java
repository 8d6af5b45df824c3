package dev.rcx.server;

import dev.rcx.audit.AuditEvent;
import dev.rcx.audit.AuditException;
import dev.rcx.audit.AuditSink;
import dev.rcx.audit.AuditUnavailableException;
import dev.rcx.config.ServerConfig;
import dev.rcx.metrics.ServerMetrics;
import dev.rcx.protocol.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one server shares: configuration, codec, audit sink (with its
 * per-address limiter), metrics and the draining flag. It knows nothing of request handling, so the
 * handler can depend on it without a cycle; each {@link Connection} is given both.
 */
final class ServerContext {
  private static final Logger LOG = LoggerFactory.getLogger("dev.rcx.server");

  private final ServerConfig config;
  private final MessageCodec codec;
  private final AuditSink audit;
  private final ConnectionEnded ended;
  private final AuditLimiter limiter;
  private final ServerMetrics metrics;
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
    this.limiter = new AuditLimiter(config.limits().auditRecordsPerAddress(), System::nanoTime);
    this.metrics = metrics;
  }

  ServerMetrics metrics() {
    return metrics;
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
    if (admitted(event)) {
      long start = System.nanoTime();
      audit.append(event);
      metrics.auditWrite(System.nanoTime() - start);
    }
  }

  /**
   * Appends the record that must exist before a command launches; throws (so the command is not
   * launched) when it cannot be written.
   */
  void auditStart(AuditEvent event) {
    audit.appendReserved(event);
  }

  /**
   * Appends a record that matters only while the machine stays up (a launched process's pid): in
   * the fsync mode it does not wait for the disk, since a power loss ends the process anyway.
   */
  void auditLaunched(AuditEvent event) {
    audit.appendUnforced(event);
  }

  /** For records about connections that are ending anyway: a failure is logged, not thrown. */
  void auditQuietly(AuditEvent event) {
    try {
      audit(event);
    } catch (AuditUnavailableException e) {
      // Counted in the log's audit_gap record once it recovers; no stack trace per record.
      LOG.debug("audit log unavailable for {}: {}", event.eventName(), e.getMessage());
    } catch (AuditException | IllegalStateException e) {
      LOG.error("audit log write failed for {}", event.getClass().getSimpleName(), e);
    }
  }

  /**
   * Whether a record is written in full. Records about a client that has no session (connections,
   * handshakes, protocol errors, bad tokens, rate-limited logins, rejections) go through the
   * per-address {@link AuditLimiter}: they cost nothing to send, so they are what a flood is made
   * of. Records with a session are always written, and so are failed logins: each costs an Argon2id
   * hash and the login back-off bounds them per address, and they are the evidence of password
   * guessing.
   */
  private boolean admitted(AuditEvent event) {
    if (event.client() == null
        || event.session() != null
        || event instanceof AuditEvent.AuditSuppressed
        || event instanceof AuditEvent.AuthFailed) {
      return true;
    }
    return limiter.admit(Addresses.keyOfClient(event.client()), event.eventName());
  }

  /**
   * Writes the summaries of suppressed records for windows that have ended (all windows, if {@code
   * all}: at shutdown).
   */
  void flushSuppressed(boolean all) {
    for (AuditEvent.AuditSuppressed s : limiter.drain(all)) {
      auditQuietly(s);
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
