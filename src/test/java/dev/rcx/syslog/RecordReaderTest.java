package dev.rcx.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading records by seq from log files: whole lines only, resuming after a cursor, and following
 * the log to its next file when it is rotated (the closed file read to its end first).
 */
class RecordReaderTest {
  @TempDir Path dir;
  private final List<String> problems = new ArrayList<>();

  private static String line(long seq) {
    return "{\"seq\":" + seq + ",\"ts\":\"2026-12-01T00:00:00.000Z\",\"event\":\"e" + seq + "\"}";
  }

  private static void append(Path file, String text) throws Exception {
    Files.writeString(
        file,
        text,
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static List<Long> seqs(RecordReader.Batch b) {
    return b.records().stream().map(LogRecord::seq).toList();
  }

  @Test
  void peek_onlyWholeLines_andNothingMovesUntilCommit() throws Exception {
    Path log = dir.resolve("audit.log");
    append(log, line(1) + "\n" + line(2) + "\n" + line(3).substring(0, 10));
    try (RecordReader r = new RecordReader(() -> List.of(log), problems::add)) {
      assertThat(r.seek(null)).isEqualTo(new RecordReader.Start.Fresh(1));
      assertThat(seqs(r.peek(10))).containsExactly(1L, 2L);
      assertThat(seqs(r.peek(1))).containsExactly(1L);
      r.commit(r.peek(1));
      assertThat(seqs(r.peek(10))).containsExactly(2L);
      r.commit(r.peek(10));
      assertThat(r.peek(10).records()).isEmpty();
      append(log, line(3).substring(10) + "\n");
      assertThat(seqs(r.peek(10))).containsExactly(3L);
    }
  }

  @Test
  void seek_resumesAfterTheCursorsRecord_orStartsOverWhenItsHashDiffers() throws Exception {
    Path log = dir.resolve("audit.log");
    append(log, line(1) + "\n" + line(2) + "\n" + line(3) + "\n");
    String hash2 = new LogRecord(2, "", "", line(2), 0).hash();
    try (RecordReader r = new RecordReader(() -> List.of(log), problems::add)) {
      assertThat(r.seek(new Cursor.Position(2, hash2)))
          .isEqualTo(new RecordReader.Start.Resumed(2));
      assertThat(seqs(r.peek(10))).containsExactly(3L);
    }
    try (RecordReader r = new RecordReader(() -> List.of(log), problems::add)) {
      assertThat(r.seek(new Cursor.Position(2, "00".repeat(32))))
          .isInstanceOf(RecordReader.Start.Replaced.class);
      assertThat(seqs(r.peek(10))).containsExactly(1L, 2L, 3L);
    }
    try (RecordReader r = new RecordReader(() -> List.of(log), problems::add)) {
      assertThat(r.seek(new Cursor.Position(9, hash2)))
          .isInstanceOf(RecordReader.Start.Replaced.class);
    }
  }

  @Test
  void rotation_closedFileReadToItsEnd_thenTheNextFile() throws Exception {
    Path first = dir.resolve("audit-1.log");
    Path live = dir.resolve("audit.log");
    AtomicReference<List<Path>> files = new AtomicReference<>(List.of(first));
    append(first, line(1) + "\n" + line(2) + "\n");
    try (RecordReader r = new RecordReader(files::get, problems::add)) {
      r.seek(null);
      r.commit(r.peek(10));
      assertThat(r.seq()).isEqualTo(2);
      // The writer seals the old file and starts the next one; the reader has not seen seq 3 yet.
      append(first, line(3) + "\n");
      append(live, line(4) + "\n" + line(5) + "\n");
      files.set(List.of(first, live));
      RecordReader.Batch b = r.peek(10);
      assertThat(seqs(b)).containsExactly(3L);
      r.commit(b);
      b = r.peek(10);
      assertThat(seqs(b)).containsExactly(4L, 5L);
      assertThat(r.path()).isEqualTo(live);
      r.commit(b);
    }
    // A restart with the cursor in the old file finds it there and goes on into the live one.
    try (RecordReader r = new RecordReader(files::get, problems::add)) {
      String hash2 = new LogRecord(2, "", "", line(2), 0).hash();
      assertThat(r.seek(new Cursor.Position(2, hash2)))
          .isEqualTo(new RecordReader.Start.Resumed(2));
      r.commit(r.peek(10));
      assertThat(seqs(r.peek(10))).containsExactly(4L, 5L);
    }
    // Older files archived away after delivery: resuming at the first file left is seamless.
    try (RecordReader r = new RecordReader(() -> List.of(live), problems::add)) {
      String hash3 = new LogRecord(3, "", "", line(3), 0).hash();
      assertThat(r.seek(new Cursor.Position(3, hash3)))
          .isEqualTo(new RecordReader.Start.Resumed(3));
      assertThat(r.seek(new Cursor.Position(1, hash3)))
          .isEqualTo(new RecordReader.Start.Missing(2, 3));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void rotationByRename_theOpenFileIsFollowed_intoTheNewCurrentFile() throws Exception {
    Path live = dir.resolve("audit.log");
    java.util.function.Supplier<List<Path>> files =
        () -> {
          try (var s = Files.list(dir)) {
            List<Path> out =
                new ArrayList<>(
                    s.filter(p -> p.getFileName().toString().matches("audit-[0-9]+\\.log"))
                        .sorted()
                        .toList());
            if (Files.exists(live)) {
              out.add(live);
            }
            return out;
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    append(live, line(1) + "\n" + line(2) + "\n");
    try (RecordReader r = new RecordReader(files, problems::add)) {
      r.seek(null);
      r.commit(r.peek(10));
      // The writer closes the file with a last record, renames it after its first seq and starts
      // a new current file, while the reader holds the old one open.
      append(live, line(3) + "\n");
      Files.move(live, dir.resolve("audit-000000000001.log"));
      assertThat(r.peek(10).records()).extracting(LogRecord::seq).containsExactly(3L);
      r.commit(r.peek(10));
      assertThat(r.peek(10).records()).isEmpty(); // no new current file yet
      append(live, line(4) + "\n");
      RecordReader.Batch b = r.peek(10);
      assertThat(b.records()).extracting(LogRecord::seq).containsExactly(4L);
      assertThat(r.path()).isEqualTo(live);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aLineThatIsNotARecord_reportedAndPassedOver() throws Exception {
    Path log = dir.resolve("audit.log");
    append(log, line(1) + "\nnot json\n" + line(2) + "\n");
    try (RecordReader r = new RecordReader(() -> List.of(log), problems::add)) {
      r.seek(null);
      assertThat(seqs(r.peek(10))).containsExactly(1L, 2L);
    }
    assertThat(problems).singleElement().asString().contains("byte " + (line(1).length() + 1));
  }
}
