package dev.rcx.audit;

import java.util.Objects;

/** The sink behind {@link AuditSink#discarding()}. */
enum Discarding implements AuditSink {
  INSTANCE;

  @Override
  public void append(AuditEvent event) {
    Objects.requireNonNull(event, "event");
  }

  @Override
  public void close() {}
}
