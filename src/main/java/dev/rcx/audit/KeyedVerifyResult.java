package dev.rcx.audit;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link AuditLog#verify(java.nio.file.Path, String)}: verification with the
 * operator's verification key. See {@code Authentic} for exactly what is proven.
 */
public sealed interface KeyedVerifyResult {

  /** One line for people, e.g. for {@code rcx audit verify}. */
  String summary();

  /** What the key file beside the log says about truncation. */
  enum KeyFileState {
    /**
     * The key file is at the epoch after the last seal: no sealed epoch is missing from the end of
     * the log.
     */
    CONSISTENT,
    /**
     * One epoch behind: the writer crashed between writing a seal and updating the key file.
     * Harmless; open repairs.
     */
    LAGGING,
    /**
     * Older than the log by more than one epoch: the key file was restored from a copy (never back
     * it up).
     */
    STALE,
    /** No key file: whether sealed epochs were cut off the end of the log cannot be checked. */
    MISSING
  }

  /**
   * Every record verifies. Proven: the first {@code sealedRecords} records (the {@code
   * sealedEpochs} complete epochs, seals included) are exactly the records the writer wrote, in
   * order, with nothing inserted or removed, unless the attacker held an epoch's key before that
   * epoch was sealed. Not proven: the {@code unsealedTail} records after the last seal (their MACs
   * verify, but anyone holding the current key file could have written them); nor that no unsealed
   * records were removed from the end. {@code sealedThrough} is the {@code ts} of the last seal
   * (null if none). {@code tornTailBytes} counts an incomplete last line (a crash, not tampering).
   */
  record Authentic(
      long records,
      long sealedEpochs,
      long sealedRecords,
      @Nullable String sealedThrough,
      long unsealedTail,
      long tornTailBytes,
      KeyFileState keyFile)
      implements KeyedVerifyResult {
    @Override
    public String summary() {
      StringBuilder s =
          new StringBuilder("authentic: ")
              .append(sealedRecords)
              .append(" records in ")
              .append(sealedEpochs)
              .append(" sealed epochs proven");
      if (sealedThrough != null) {
        s.append(" (sealed through ").append(sealedThrough).append(')');
      }
      s.append("; unsealed tail (").append(unsealedTail).append(" records) not proven");
      if (tornTailBytes > 0) {
        s.append("; torn last line of ")
            .append(tornTailBytes)
            .append(" bytes (crash, not tampering)");
      }
      switch (keyFile) {
        case CONSISTENT -> s.append("; key file consistent: no sealed epoch missing at the end");
        case LAGGING ->
            s.append("; key file one epoch behind (crash during a seal; repaired on next open)");
        case STALE -> s.append("; WARNING: key file is older than the log (restored from a copy?)");
        case MISSING ->
            s.append(
                "; WARNING: key file missing, so removal of sealed epochs at the end cannot be ruled"
                    + " out");
      }
      return s.toString();
    }
  }

  /**
   * The first record that fails: a MAC mismatch (altered or forged), or a break in seq/prev order
   * (removed, inserted or moved). {@code lineNumber} is 1-based, or 0 when the problem is the key
   * file; {@code seq} as in {@link VerifyResult.Tampered}.
   */
  record Tampered(long lineNumber, long seq, String reason) implements KeyedVerifyResult {
    @Override
    public String summary() {
      return "TAMPERED at "
          + (lineNumber == 0 ? "the key file" : "line " + lineNumber)
          + ": "
          + reason;
    }
  }

  /**
   * The key file shows that the writer had sealed {@code keyFileEpoch} epochs, but the log holds
   * only {@code sealedEpochs} seals: sealed records were removed from the end. The {@code records}
   * that remain verify.
   */
  record Truncated(long records, long sealedEpochs, long keyFileEpoch, String reason)
      implements KeyedVerifyResult {
    @Override
    public String summary() {
      return "TRUNCATED: " + reason;
    }
  }

  /** The verification key does not belong to this log, or is not a verification key at all. */
  record WrongKey(String reason) implements KeyedVerifyResult {
    @Override
    public String summary() {
      return "WRONG KEY: " + reason;
    }
  }
}
