package dev.rcx.audit;

/**
 * The outcome of {@link AuditLog#verify(java.nio.file.Path)}: checks of the hash chain without any
 * key.
 */
public sealed interface VerifyResult {

  /** Every line is a well-formed record and the chain from seq 1 to {@code records} is unbroken. */
  record Intact(long records) implements VerifyResult {}

  /**
   * The {@code records} complete records verify and an incomplete last line of {@code tailBytes}
   * bytes follows: what a crash in the middle of a write leaves. Not a sign of tampering; {@link
   * AuditLog#open} repairs it.
   */
  record TornTail(long records, long tailBytes) implements VerifyResult {}

  /**
   * The first record that was edited, removed, inserted or moved. {@code lineNumber} is 1-based;
   * {@code seq} is the seq of the named record (for a removed record, the seq that is missing; -1
   * when the line has no readable seq); {@code reason} explains the evidence.
   */
  record Tampered(long lineNumber, long seq, String reason) implements VerifyResult {}
}
