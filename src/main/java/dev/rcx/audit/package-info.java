/**
 * The tamper-evident audit trail: the sealed {@link dev.rcx.audit.AuditEvent} records (one NDJSON
 * line each), the hash-chained and forward-securely sealed {@link dev.rcx.audit.AuditLog}, and the
 * verifiers and human-readable views that read it back.
 *
 * <p>Public API: audit verification ({@code AuditLog.verify}, {@link dev.rcx.audit.VerifyResult},
 * {@link dev.rcx.audit.KeyedVerifyResult}, {@link dev.rcx.audit.FilesVerifyResult}, {@link
 * dev.rcx.audit.AuditFiles}); the writing side is public for the server and the CLI only.
 *
 * <p>Concurrency. One {@link dev.rcx.audit.AuditLog} per file per process (a writer lock refuses a
 * second); appends from many threads are serialized by one lock around encode, write and flush, so
 * the chain order is the write order; with fsync durability a group-commit thread batches syncs.
 * Seals are written after the lock on the daemon thread {@code rcx-audit-seal-writer}; {@code
 * rcx-audit-sealer} seals a quiet log on time, and {@code rcx-audit-recovery} retries a log that
 * failed. A rotation runs under the append lock. Verification is single-threaded over read-only
 * files. Uses only {@code files} (the key file) of rcx.
 */
@NullMarked
package dev.rcx.audit;

import org.jspecify.annotations.NullMarked;
