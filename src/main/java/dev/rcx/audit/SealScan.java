package dev.rcx.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.jspecify.annotations.Nullable;

/**
 * Finds the last seal of a log by reading lines backwards from its end (which ends with a newline),
 * stopping at the {@code audit_rotated} record that starts a file after a rotation: it names the
 * epoch the file began in.
 */
record SealScan(long sealedEpochs, @Nullable String keyId, long recordsAfter) {

  /**
   * Scans {@code ch[0..size)}; {@code sealedEpochs} is 0 and {@code keyId} null if there is no
   * seal.
   */
  static SealScan scan(FileChannel ch, long size) throws IOException {
    long end = size - 1;
    long after = 0;
    while (end >= 0) {
      long start = LogFiles.lastNewlineBefore(ch, end) + 1;
      byte[] line = LogFiles.read(ch, start, end);
      ParsedLine p;
      try {
        p = ParsedLine.parse(line, line.length);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "the line at byte " + start + " is not a valid record (" + e.getMessage() + ")");
      }
      if (p.event().equals("seal")) {
        String keyId = EventCodec.str(p.node(), "key_id");
        long epoch = p.node().path("epoch").asLong(-1);
        if (keyId == null || epoch < 0) {
          throw new IOException("the seal at byte " + start + " has no valid epoch or key_id");
        }
        return new SealScan(epoch + 1, keyId, after);
      }
      if (p.event().equals("audit_rotated")) {
        // The first record of a file after a rotation: the file began in this epoch, which the
        // closed file's seals (or the rotated record's own predecessors) ended before it.
        String keyId = EventCodec.str(p.node(), "key_id");
        long epoch = p.node().path("epoch").asLong(-1);
        if (keyId == null || epoch < 0) {
          throw new IOException(
              "the audit_rotated record at byte " + start + " has no valid epoch or key_id");
        }
        return new SealScan(epoch, keyId, after + 1);
      }
      after++;
      end = start - 1;
    }
    return new SealScan(0, null, after);
  }
}
