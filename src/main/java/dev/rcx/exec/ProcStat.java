package dev.rcx.exec;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What Linux's {@code /proc/PID/stat} says about a process, and killing a whole process group found
 * through it. Used to tell a command's process from a later process that reuses its pid: the start
 * time (clock ticks since boot) of a pid never repeats for a different process while the machine is
 * up. Without /proc (not Linux) nothing is found.
 */
public record ProcStat(long pid, char state, long processGroup, long startTime) {
  private static final Path PROC = Path.of("/proc");

  /** Rounds of {@link #killGroup}: a group that forks faster than this is left to the next call. */
  static final int KILL_ROUNDS = 16;

  /** Whether the process has exited but not been reaped yet (it runs nothing). */
  public boolean zombie() {
    return state == 'Z' || state == 'X';
  }

  /**
   * Bytes of a stat line read: 52 numeric fields of at most 20 digits and a command name of at most
   * 64 bytes fit; a longer line would lose only fields after the start time.
   */
  static final int MAX_LINE = 1280;

  /** The process {@code pid}, or empty if there is none (or no /proc). */
  public static Optional<ProcStat> of(long pid) {
    // Read once per command launch: one read(2) into a small buffer, not Files.readString, which
    // reads a file of unknown size a byte first and then twice more, and the kernel formats the
    // whole line for each read.
    byte[] buf = new byte[MAX_LINE];
    int n = 0;
    try (InputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
      int r;
      while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
        n += r;
        if (buf[n - 1] == '\n') {
          break; // the whole line: no read for end of file
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return parse(pid, new String(buf, 0, n, StandardCharsets.ISO_8859_1));
  }

  /** Parses a stat line; empty if it does not have the expected shape. */
  static Optional<ProcStat> parse(long pid, String text) {
    // The command name (field 2) is in parentheses and may itself contain ") ".
    int close = text.lastIndexOf(')');
    if (close < 0 || close + 2 >= text.length()) {
      return Optional.empty();
    }
    // Fields 3.. (state, ppid, pgrp, ... starttime is the 20th of them), separated by one space.
    int begin = close + 2;
    int end = text.length();
    while (end > begin && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    int[] starts = new int[FIELDS];
    int[] ends = new int[FIELDS];
    int field = 0;
    int at = begin;
    while (field < FIELDS && at <= end) {
      int space = text.indexOf(' ', at);
      int stop = space < 0 || space > end ? end : space;
      starts[field] = at;
      ends[field] = stop;
      field++;
      at = stop + 1;
    }
    if (field < FIELDS || ends[0] - starts[0] != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ProcStat(
              pid,
              text.charAt(starts[0]),
              Long.parseLong(text, starts[2], ends[2], 10),
              Long.parseLong(text, starts[19], ends[19], 10)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Fields parsed after the command name: up to the start time. */
  private static final int FIELDS = 20;

  /** Every live (not zombie) process whose process group is {@code group}. */
  public static List<ProcStat> inGroup(long group) {
    List<ProcStat> found = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name);
        } catch (NumberFormatException e) {
          continue;
        }
        of(pid).filter(s -> s.processGroup() == group && !s.zombie()).ifPresent(found::add);
      }
    } catch (IOException | RuntimeException e) {
      // No /proc: nothing can be found, so nothing is killed.
    }
    return found;
  }

  /**
   * Sends SIGKILL to every process in group {@code group} (found through /proc; repeated while new
   * members appear, at most {@link #KILL_ROUNDS} rounds). Never signals {@code exceptPid} (the
   * caller itself, should it share the group). Returns how many processes were signalled.
   */
  public static int killGroup(long group, long exceptPid) {
    if (group <= 1) {
      throw new IllegalArgumentException("refusing to kill process group " + group);
    }
    Set<Long> killed = new HashSet<>();
    for (int round = 0; round < KILL_ROUNDS; round++) {
      List<ProcStat> fresh =
          inGroup(group).stream().filter(s -> s.pid() != exceptPid && killed.add(s.pid())).toList();
      if (fresh.isEmpty()) {
        break;
      }
      for (ProcStat s : fresh) {
        ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    return killed.size();
  }
}
