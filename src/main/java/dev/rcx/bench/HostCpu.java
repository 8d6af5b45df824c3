package dev.rcx.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How busy the rest of the machine was, from Linux's /proc: CPU ticks spent machine-wide minus the
 * ticks of this process and of the child processes it has reaped (the spawned commands). On a
 * shared machine this tells whether a point's figures were measured on a quiet CPU. Elsewhere it
 * reports nothing.
 */
final class HostCpu {
  /**
   * Linux reports /proc times in USER_HZ ticks, 100 per second on every mainstream architecture.
   */
  private static final double TICKS_PER_SECOND = 100;

  /** Ticks busy machine-wide, and ticks used by this process and its reaped children. */
  record Snapshot(long busy, long self) {}

  private HostCpu() {}

  static @Nullable Snapshot read() {
    try {
      String[] cpu = firstLine(Path.of("/proc/stat")).trim().split("\\s+", 0);
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7}) {
        busy += Long.parseLong(cpu[i]);
      }
      String stat = firstLine(Path.of("/proc/self/stat"));
      // Fields after "(comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 0);
      long self =
          Long.parseLong(f[11])
              + Long.parseLong(f[12])
              + Long.parseLong(f[13])
              + Long.parseLong(f[14]);
      return new Snapshot(busy, self);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * CPUs' worth of work done by other processes between two snapshots {@code seconds} apart; null
   * if unknown.
   */
  static @Nullable Double otherCpus(
      @Nullable Snapshot start, @Nullable Snapshot end, double seconds) {
    if (start == null || end == null || seconds <= 0) {
      return null;
    }
    long other = (end.busy() - start.busy()) - (end.self() - start.self());
    return Math.round(Math.max(0, other) / TICKS_PER_SECOND / seconds * 100) / 100.0;
  }

  private static String firstLine(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
