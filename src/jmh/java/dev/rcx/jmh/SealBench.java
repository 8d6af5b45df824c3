package dev.rcx.jmh;

import dev.rcx.audit.AuditLog;
import dev.rcx.audit.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a sealed log's epoch end costs, and the disk's own price for a durable write, to explain
 * {@link AuditBench}: a seal forces the log, writes and forces a temporary key file, renames it and
 * forces the directory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SealBench {
  private Path dir;
  private AuditLog log;
  private FileChannel raw;
  private final ByteBuffer record =
      ByteBuffer.wrap(
          ("{\"seq\":1,\"event\":\"command_run\",\"padding\":\"" + "x".repeat(300) + "\"}\n")
              .getBytes(StandardCharsets.US_ASCII));

  @Setup(Level.Iteration)
  public void open() throws IOException {
    Path base = Path.of(System.getProperty("rcx.jmh.dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    dir = Files.createTempDirectory(base, "seal-bench");
    log =
        AuditLog.open(
            dir.resolve("audit.log"),
            Clock.systemUTC(),
            AuditLog.Options.defaults()
                .withDurability(Durability.FLUSH)
                .withSealInterval(Duration.ZERO));
    raw =
        FileChannel.open(
            dir.resolve("raw.log"),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
  }

  @TearDown(Level.Iteration)
  public void close() throws IOException {
    log.close();
    raw.close();
    Samples.deleteTree(dir);
  }

  /** One record, then an explicit seal (the same work as the automatic one every 64 records). */
  @Benchmark
  public void appendAndSeal() {
    log.append(Samples.RUN);
    log.seal();
  }

  /** Baseline: append one record-sized line to a plain file and force it. */
  @Benchmark
  public void rawWriteAndForce() throws IOException {
    raw.write(record.rewind());
    raw.force(true);
  }

  /** Baseline: append one record-sized line to a plain file without forcing (page cache only). */
  @Benchmark
  public void rawWrite() throws IOException {
    raw.write(record.rewind());
  }
}
