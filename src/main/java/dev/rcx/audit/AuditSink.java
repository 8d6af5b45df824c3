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

  /**
   * Records {@code event} like {@link #append}, but returns once it survives a crash of this
   * process, without waiting for it to reach the disk. For records that matter only while the
   * machine stays up, such as the pid of a running command.
   *
   * @throws AuditException if the event could not be recorded
   */
  default void appendUnforced(AuditEvent event) {
    append(event);
  }

  /**
   * Records {@code event} like {@link #append}, but refuses it while the sink is short of the space
   * it keeps in reserve for work already under way. For records that let new work start.
   *
   * @throws AuditException if the event could not be recorded or was refused
   */
  default void appendReserved(AuditEvent event) {
    append(event);
  }

  /** Releases the sink; later appends fail. Idempotent. */
  @Override
  void close();

  /** A sink that drops every event, for tools and tests that do not audit. */
  static AuditSink discarding() {
    return Discarding.INSTANCE;
  }
}
