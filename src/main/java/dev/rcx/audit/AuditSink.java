package dev.rcx.audit;

/** Where audit events go. Implementations are thread-safe. */
public interface AuditSink extends AutoCloseable {

  /**
   * Records {@code event}. Returns only once the record is as durable as the sink promises (for
   * {@link AuditLog}: written to the OS, or forced to disk, depending on its durability), so a
   * caller may act on the event afterwards.
   *
   * @throws AuditException if the event could not be recorded
   */
  void append(AuditEvent event);

  /** Releases the sink; later appends fail. Idempotent. */
  @Override
  void close();

  /** A sink that drops every event, for tools and tests that do not audit. */
  static AuditSink discarding() {
    return Discarding.INSTANCE;
  }
}
