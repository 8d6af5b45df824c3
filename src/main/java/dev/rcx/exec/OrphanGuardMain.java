package dev.rcx.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The watcher process of {@link OrphanGuard}. Reads {@code + PID GROUP START} and {@code - PID}
 * lines from stdin; at end of file (the server is gone) kills every registered command that is
 * still the same process, with its group, and exits. Uses no native code: /proc and {@link
 * ProcessHandle} suffice.
 */
public final class OrphanGuardMain {
  private OrphanGuardMain() {}

  /** Entry point; takes no arguments. */
  public static void main(String[] args) throws IOException {
    ignoreTerminalSignals();
    Map<Long, long[]> live = new LinkedHashMap<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(" ", 0);
        try {
          if (f.length == 4 && f[0].equals("+")) {
            long pid = Long.parseLong(f[1]);
            live.put(pid, new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
          } else if (f.length == 2 && f[0].equals("-")) {
            live.remove(Long.parseLong(f[1]));
          }
        } catch (NumberFormatException e) {
          // Only the server writes here; a line it did not write is ignored.
        }
      }
    } catch (IOException e) {
      // A broken pipe means the same as end of file: the server is gone.
    }
    for (Map.Entry<Long, long[]> e : live.entrySet()) {
      killIfSame(e.getKey(), e.getValue()[0], e.getValue()[1]);
    }
  }

  /**
   * Kills the command {@code pid} started at {@code startTime} and its group, unless the pid now
   * names another process. A group whose leader is gone is killed too: Linux does not hand out a
   * pid that is still some group's id, so its members are the command's.
   */
  static void killIfSame(long pid, long group, long startTime) {
    var stat = ProcStat.of(pid);
    boolean same = stat.isPresent() && (startTime < 0 || stat.get().startTime() == startTime);
    if (stat.isPresent() && !same) {
      return; // the pid was reused: not ours any more
    }
    long self = ProcessHandle.current().pid();
    if (group > 1) {
      ProcStat.killGroup(group, self);
    } else if (same) {
      ProcessHandle.of(pid)
          .ifPresent(
              p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
              });
    }
  }

  /** A Ctrl-C in the server's terminal must not kill the guard before the server is gone. */
  // sun.misc.Signal (jdk.unsupported) by reflection: a compile-time reference draws javac's
  // "internal proprietary API" warning, which nothing silences, and warnings are errors here.
  private static void ignoreTerminalSignals() {
    Method handle;
    Constructor<?> newSignal;
    Object ignore;
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      handle = signal.getMethod("handle", signal, handler);
      newSignal = signal.getConstructor(String.class);
      ignore = handler.getField("SIG_IGN").get(null);
    } catch (ReflectiveOperationException e) {
      return; // no sun.misc.Signal in this runtime: the default actions apply
    }
    for (String name : new String[] {"INT", "TERM", "HUP"}) {
      try {
        handle.invoke(null, newSignal.newInstance(name), ignore);
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        // Not available on this platform (or reserved); the default action applies.
      }
    }
  }
}
