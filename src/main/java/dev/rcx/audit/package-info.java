/**
 * The tamper-evident audit trail: the sealed {@link dev.rcx.audit.AuditEvent} records (one NDJSON
 * line each), the hash-chained and forward-securely sealed {@link dev.rcx.audit.AuditLog}, and the
 * verifiers and human-readable views that read it back.
 *
 * <p>Concurrency. One {@link dev.rcx.audit.AuditLog} per file per process (a writer lock refuses a
 * second); appends from many threads are serialized by one lock around encode, write and flush, so
 * the chain order is the write order; with fsync durability a group-commit thread batches syncs.
 * Verification is single-threaded over a read-only file. Depends on no other rcx package.
 */
@NullMarked
package dev.rcx.audit;

import org.jspecify.annotations.NullMarked;
