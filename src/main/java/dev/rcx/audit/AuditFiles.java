package dev.rcx.audit;

import dev.rcx.audit.LineReader.Line;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of one audit log, in order. The log is written to its <em>current</em> file (in a data
 * directory {@value #CURRENT}); a rotation closes it with a seal and renames it after the seq of
 * its first record, zero-padded to at least {@value #SEQ_DIGITS} digits ({@code audit.log} whose
 * first record is seq 1201 becomes {@code audit-000000001201.log}), so names sort in record order
 * and never repeat within a chain. The next current file starts with an {@code audit_rotated}
 * record whose {@code prev} is the hash of the closed file's last line.
 *
 * <p>For readers such as a forwarder that follows the log by seq: {@link #list} gives every file
 * with the seq of its first record; a reader that holds the current file open keeps reading the
 * same (renamed) file after a rotation, reaches its end, and then finds the next records in the
 * file {@link #holding} names. Torn-tail copies ({@code audit.log.torn-*}), the key file and the
 * lock file are not part of the list.
 */
public final class AuditFiles {
  /** The current file's name in a data directory. */
  public static final String CURRENT = "audit.log";

  /** Closed file names carry at least this many digits of their first seq. */
  static final int SEQ_DIGITS = 12;

  private AuditFiles() {}

  /**
   * One file of a log: {@code firstSeq} is the seq of its first record (0 for a current file that
   * holds no complete record yet).
   */
  public record Segment(Path path, long firstSeq, boolean current) {
    /** The file's name, for messages. */
    public String name() {
      return path.getFileName().toString();
    }
  }

  /** {@code dataDir/audit.log}. */
  public static Path current(Path dataDir) {
    return dataDir.resolve(CURRENT);
  }

  /** The files of the log in {@code dataDir}; see {@link #list}. */
  public static List<Segment> inDataDir(Path dataDir) {
    return list(current(dataDir));
  }

  /**
   * The name a closed file of the log whose current file is {@code currentLog} takes when its first
   * record is {@code firstSeq}: {@code audit.log}, 1201 gives {@code audit-000000001201.log}.
   */
  public static Path closedName(Path currentLog, long firstSeq) {
    if (firstSeq < 1) {
      throw new IllegalArgumentException("firstSeq must be >= 1, was " + firstSeq);
    }
    String[] parts = split(currentLog);
    String digits = String.format("%0" + SEQ_DIGITS + "d", firstSeq);
    return currentLog.resolveSibling(parts[0] + "-" + digits + parts[1]);
  }

  /**
   * The closed files of the log whose current file is {@code currentLog}, oldest first, followed by
   * the current file if it exists. Files archived away (retention) are simply absent.
   *
   * @throws AuditException if the directory or the current file's first line cannot be read
   */
  public static List<Segment> list(Path currentLog) {
    List<Segment> out = new ArrayList<>(closed(currentLog));
    if (Files.exists(currentLog)) {
      out.add(new Segment(currentLog, firstSeqOf(currentLog), true));
    }
    return List.copyOf(out);
  }

  /**
   * The file among {@link #list} that holds record {@code seq}: the last one whose first seq is at
   * most {@code seq}. Empty if {@code seq} is before the oldest file kept (archived) or there are
   * no files; whether {@code seq} is written yet is for the caller to see in the file.
   */
  public static Optional<Segment> holding(Path currentLog, long seq) {
    Segment found = null;
    for (Segment s : list(currentLog)) {
      if (s.firstSeq() > 0 && s.firstSeq() <= seq) {
        found = s;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The closed files only, oldest first. */
  static List<Segment> closed(Path currentLog) {
    String[] parts = split(currentLog);
    Pattern name =
        Pattern.compile(
            Pattern.quote(parts[0]) + "-([0-9]{" + SEQ_DIGITS + ",18})" + Pattern.quote(parts[1]));
    Path dir = currentLog.toAbsolutePath().getParent();
    List<Segment> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Matcher m = name.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p)) {
          out.add(
              new Segment(
                  currentLog.resolveSibling(p.getFileName()), Long.parseLong(m.group(1)), false));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new AuditException("cannot list the audit files in " + dir + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparingLong(Segment::firstSeq));
    return out;
  }

  /** The seq of the file's first complete line, 0 if it has none or it is not a record. */
  static long firstSeqOf(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Line line = new LineReader(in).next();
      if (line == null || !line.terminated() || line.overlong()) {
        return 0;
      }
      return ParsedLine.parse(line.bytes(), line.length()).seq();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IllegalArgumentException e) {
      return 0;
    } catch (IOException e) {
      throw new AuditException("cannot read audit log " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code audit.log} → {"audit", ".log"}; {@code log} → {"log", ""}. */
  private static String[] split(Path currentLog) {
    String n = currentLog.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? new String[] {n.substring(0, dot), n.substring(dot)} : new String[] {n, ""};
  }
}
