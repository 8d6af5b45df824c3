package dev.rcx.jmh;

import dev.rcx.audit.AuditLog;
import dev.rcx.audit.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One {@code command_run} append, as the server writes after every command, for each durability and
 * with and without sealing (64 records per epoch, the server's default, so every 64th append also
 * writes a seal, forces twice and replaces the key file). A fresh log per iteration keeps the file
 * small. The directory is {@code rcx.jmh.dir} (the run script passes {@code target/jmh-tmp}), so
 * FSYNC measures the disk the project lives on, not a tmpfs.
 *
 * <p>With 4 threads, AverageTime is the latency each appender sees; the log's throughput is threads
 * / that time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuditBench {
  @Param({"FLUSH", "FSYNC"})
  public Durability durability;

  @Param({"true", "false"})
  public boolean sealed;

  private Path dir;
  private AuditLog log;

  @Setup(Level.Iteration)
  public void open() throws IOException {
    Path base = Path.of(System.getProperty("rcx.jmh.dir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    dir = Files.createTempDirectory(base, "audit-bench");
    AuditLog.Options options = sealed ? AuditLog.Options.defaults() : AuditLog.Options.unsealed();
    // No interval seals: only the per-epoch seals that a steady load causes.
    options = options.withDurability(durability).withSealInterval(Duration.ZERO);
    log = AuditLog.open(dir.resolve("audit.log"), Clock.systemUTC(), options);
  }

  @TearDown(Level.Iteration)
  public void close() {
    log.close();
    Samples.deleteTree(dir);
  }

  @Benchmark
  @Threads(1)
  public void append1() {
    log.append(Samples.RUN);
  }

  @Benchmark
  @Threads(4)
  public void append4() {
    log.append(Samples.RUN);
  }
}
