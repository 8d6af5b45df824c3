package dev.rcx.audit;

import java.util.List;

/**
 * The outcome of {@link AuditLog#verifyFiles}: every file of a log (see {@link AuditFiles}) checked
 * in order as one chain, with or without the verification key.
 */
public sealed interface FilesVerifyResult {

  /** One line for people, e.g. for {@code rcx audit verify}. */
  String summary();

  /**
   * Every file verifies and each links to the one before. {@code files} are the names checked,
   * oldest first; records {@code firstSeq..lastSeq}. {@code earlierArchived}: the oldest file kept
   * starts after a rotation (seq {@code firstSeq} > 1), so the files before it were archived or
   * deleted and its link to them cannot be checked here (check the archive on its own). {@code
   * detail} says what was proven (the chain, or with the key what {@link
   * KeyedVerifyResult.Authentic} says).
   */
  record Verified(
      List<String> files, long firstSeq, long lastSeq, boolean earlierArchived, String detail)
      implements FilesVerifyResult {
    public Verified {
      files = List.copyOf(files);
    }

    @Override
    public String summary() {
      String where =
          files.size() == 1
              ? files.getFirst()
              : files.size() + " files (" + files.getFirst() + " .. " + files.getLast() + ")";
      String range = lastSeq == 0 ? "no records" : "records seq " + firstSeq + ".." + lastSeq;
      String archived =
          earlierArchived
              ? "; starts at file "
                  + files.getFirst()
                  + " (seq "
                  + firstSeq
                  + "), earlier files archived: its link to them is not checked here"
              : "";
      return where + ": " + range + ", " + detail + archived;
    }
  }

  /**
   * A file between two kept files is missing: {@code before} ends at seq {@code fromSeq - 1},
   * {@code after} starts at {@code toSeq + 1}; {@code named} is the file {@code after}'s first
   * record says came before it.
   */
  record MissingFile(String before, String after, long fromSeq, long toSeq, String named)
      implements FilesVerifyResult {
    @Override
    public String summary() {
      return "MISSING FILE: records seq "
          + fromSeq
          + ".."
          + toSeq
          + " are missing between "
          + before
          + " and "
          + after
          + " ("
          + after
          + " says it follows "
          + named
          + "); a file in the middle was removed: restore it from the archive";
    }
  }

  /**
   * A record in {@code file} (line {@code lineNumber} of it, 0 for the key file) was edited,
   * removed, inserted or moved, or files are out of order; {@code seq} as in {@link
   * VerifyResult.Tampered}.
   */
  record Tampered(String file, long lineNumber, long seq, String reason)
      implements FilesVerifyResult {
    @Override
    public String summary() {
      return "TAMPERED: "
          + file
          + (lineNumber == 0 ? "" : ": line " + lineNumber + " (record #" + seq + ")")
          + ": "
          + reason;
    }
  }

  /** With the key: sealed epochs were cut off the end; see {@link KeyedVerifyResult.Truncated}. */
  record Truncated(String reason) implements FilesVerifyResult {
    @Override
    public String summary() {
      return "TRUNCATED: " + reason;
    }
  }

  /** With the key: it is not this log's key; see {@link KeyedVerifyResult.WrongKey}. */
  record WrongKey(String reason) implements FilesVerifyResult {
    @Override
    public String summary() {
      return "WRONG KEY: " + reason;
    }
  }
}
