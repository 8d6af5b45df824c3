package dev.rcx.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of one process on this machine, split three ways, read from Linux's {@code /proc}: what
 * the process used itself, what its reaped children used (the commands a server ran), and what its
 * JIT compiler threads used (part of its own). A server measured while its JIT still compiles pays
 * for the compiling in every command; the split shows how much of a figure that is.
 *
 * @param ownNanos user + system time of the process (all its threads); -1 if unknown
 * @param childrenNanos user + system time of its children that it has waited for; -1 if unknown
 * @param jitNanos user + system time of its live threads named {@code C1 CompilerThre} or {@code C2
 *     CompilerThre} (HotSpot's compiler threads, as the kernel shortens their names); 0 for a
 *     process that is not a HotSpot JVM; -1 if unknown
 */
record ProcessCpu(long ownNanos, long childrenNanos, long jitNanos) {
  static final ProcessCpu UNKNOWN = new ProcessCpu(-1, -1, -1);

  // USER_HZ, the unit of the times in /proc/PID/stat: fixed at 100 by the kernel's ABI on the
  // architectures the JDK runs on, whatever the kernel's internal tick rate.
  private static final long NANOS_PER_TICK = 10_000_000L;

  /** Reads the process's figures now; {@link #UNKNOWN} if it has exited or this is not Linux. */
  static ProcessCpu read(long pid) {
    Path dir = Path.of("/proc", Long.toString(pid));
    try {
      Stat process = Stat.parse(Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII));
      return new ProcessCpu(
          (process.utime() + process.stime()) * NANOS_PER_TICK,
          (process.cutime() + process.cstime()) * NANOS_PER_TICK,
          jitTicks(dir.resolve("task")) * NANOS_PER_TICK);
    } catch (IOException | IllegalArgumentException e) {
      return UNKNOWN;
    }
  }

  /**
   * The change from {@code earlier} to this one, field by field; -1 where either is unknown. A
   * compiler thread that exited in between takes its time with it, so the JIT figure is clamped at
   * 0 and is then a lower bound.
   */
  ProcessCpu since(ProcessCpu earlier) {
    return new ProcessCpu(
        delta(ownNanos, earlier.ownNanos),
        delta(childrenNanos, earlier.childrenNanos),
        jitNanos < 0 || earlier.jitNanos < 0 ? -1 : Math.max(0, jitNanos - earlier.jitNanos));
  }

  private static long delta(long now, long before) {
    return now < 0 || before < 0 ? -1 : now - before;
  }

  private static long jitTicks(Path tasks) throws IOException {
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        Stat s;
        try {
          s = Stat.parse(Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
          continue; // the thread ended while we listed them
        }
        if (s.comm().startsWith("C1 CompilerThre") || s.comm().startsWith("C2 CompilerThre")) {
          ticks += s.utime() + s.stime();
        }
      }
    }
    return ticks;
  }

  /**
   * The fields of a {@code /proc/PID/stat} line that this needs. The name ({@code comm}) sits in
   * parentheses and may itself contain spaces and parentheses, so the fields are counted from the
   * last {@code ')'}.
   */
  record Stat(String comm, long utime, long stime, long cutime, long cstime) {
    static Stat parse(String line) {
      int open = line.indexOf('(');
      int close = line.lastIndexOf(')');
      if (open < 0 || close < open) {
        throw new IllegalArgumentException("not a /proc stat line: " + line);
      }
      // After ") ": field 3 (state) is index 0, so field N is index N - 3.
      String[] f = line.substring(close + 1).strip().split(" ", 16);
      if (f.length < 15) {
        throw new IllegalArgumentException("too few fields in /proc stat line: " + line);
      }
      return new Stat(
          line.substring(open + 1, close),
          Long.parseLong(f[11]),
          Long.parseLong(f[12]),
          Long.parseLong(f[13]),
          Long.parseLong(f[14]));
    }
  }
}
