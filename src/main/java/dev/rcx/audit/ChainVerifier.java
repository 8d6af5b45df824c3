package dev.rcx.audit;

import dev.rcx.audit.LineReader.Line;
import dev.rcx.audit.VerifyResult.Intact;
import dev.rcx.audit.VerifyResult.Tampered;
import dev.rcx.audit.VerifyResult.TornTail;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Walks the hash chain. In an untouched log, line i holds seq i and the SHA-256 of line i-1 (zeros
 * for line 1). At the first line where that fails, one line of lookahead tells which record to
 * blame:
 *
 * <ul>
 *   <li>line i chains to line i-2, as line i-1 does: whichever of the two line i+1 does not chain
 *       to was inserted;
 *   <li>seq right, prev wrong, and line i+1 chains to line i (or there is none): line i-1 was
 *       edited;
 *   <li>seq right, prev wrong, line i+1 does not chain either: line i was inserted or replaced;
 *   <li>seq too high, prev wrong, line i+1 chains to line i: records seq i.. were removed;
 *   <li>any other seq mismatch: line i was renumbered, moved or inserted.
 * </ul>
 *
 * An edit of the very last record leaves no successor to notice it; without a key that cannot be
 * detected.
 */
final class ChainVerifier {
  private ChainVerifier() {}

  static VerifyResult run(LineReader reader) throws IOException {
    long n = 0;
    byte[] last = Hashes.ZERO;
    byte[] beforeLast = null;
    for (Line line = reader.next(); line != null; line = reader.next()) {
      if (!line.terminated()) {
        return new TornTail(n, line.size());
      }
      long i = n + 1;
      ParsedLine p;
      try {
        p = parse(line);
      } catch (IllegalArgumentException e) {
        return new Tampered(i, -1, "line " + i + " is not a valid audit record: " + e.getMessage());
      }
      byte[] hash = Hashes.sha256(line.bytes(), line.length());
      boolean seqOk = p.seq() == i;
      boolean prevOk = p.prev().equals(Hashes.hex(last));
      if (!seqOk || !prevOk) {
        Boolean nextChains = nextChainsTo(reader, hash);
        return diagnose(i, p, seqOk, prevOk, beforeLast, nextChains);
      }
      beforeLast = last;
      last = hash;
      n = i;
    }
    return new Intact(n);
  }

  static ParsedLine parse(Line line) {
    if (line.overlong()) {
      throw new IllegalArgumentException(
          "it is " + line.size() + " bytes long, over the " + LineReader.MAX_LINE + " byte limit");
    }
    return ParsedLine.parse(line.bytes(), line.length());
  }

  /**
   * Whether the following line's prev is {@code hash}; null when there is no following complete,
   * parseable line.
   */
  static @Nullable Boolean nextChainsTo(LineReader reader, byte[] hash) throws IOException {
    Line next = reader.next();
    if (next == null || !next.terminated()) {
      return null;
    }
    try {
      return parse(next).prev().equals(Hashes.hex(hash));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static Tampered diagnose(
      long i,
      ParsedLine p,
      boolean seqOk,
      boolean prevOk,
      byte @Nullable [] beforeLast,
      @Nullable Boolean nextChains) {
    return diagnose(i, 0, p, seqOk, prevOk, beforeLast, nextChains);
  }

  /**
   * {@link #diagnose} for a file whose line {@code x} should hold seq {@code x + d} (a file after a
   * rotation starts at a later seq).
   */
  static Tampered diagnose(
      long i,
      long d,
      ParsedLine p,
      boolean seqOk,
      boolean prevOk,
      byte @Nullable [] beforeLast,
      @Nullable Boolean nextChains) {
    boolean nextFits = nextChains == null || nextChains;
    if (!prevOk && beforeLast != null && p.prev().equals(Hashes.hex(beforeLast))) {
      // Lines i-1 and i both claim line i-2 as predecessor; the genuine one is the one line i+1
      // chains to.
      if (Boolean.TRUE.equals(nextChains)) {
        return new Tampered(
            i - 1,
            i - 1 + d,
            "line "
                + (i - 1)
                + " was inserted: line "
                + i
                + " (seq "
                + p.seq()
                + ") chains directly to line "
                + (i - 2));
      }
      return new Tampered(
          i,
          p.seq(),
          "line "
              + i
              + " (seq "
              + p.seq()
              + ") was inserted: it claims line "
              + (i - 2)
              + " as predecessor, which line "
              + (i - 1)
              + " already does");
    }
    if (seqOk) {
      if (i == 1) {
        return new Tampered(
            1, p.seq(), "line 1 does not start the chain: its prev is not 64 zeros");
      }
      if (nextFits) {
        return new Tampered(
            i - 1,
            i - 1 + d,
            "record seq "
                + (i - 1 + d)
                + " (line "
                + (i - 1)
                + ") was altered: line "
                + i
                + " holds a different hash for it");
      }
      return new Tampered(
          i,
          p.seq(),
          "line "
              + i
              + " (seq "
              + p.seq()
              + ") chains to neither line "
              + (i - 1)
              + " nor line "
              + (i + 1)
              + ": it was inserted or replaced");
    }
    if (p.seq() > i + d && !prevOk && nextFits) {
      String missing =
          p.seq() == i + d + 1
              ? "record seq " + (i + d) + " is"
              : "records seq " + (i + d) + ".." + (p.seq() - 1) + " are";
      return new Tampered(i, i + d, missing + " missing: line " + i + " holds seq " + p.seq());
    }
    return new Tampered(
        i,
        p.seq(),
        "line "
            + i
            + " holds seq "
            + p.seq()
            + ", expected "
            + (i + d)
            + ": the record was renumbered, moved or inserted");
  }
}
