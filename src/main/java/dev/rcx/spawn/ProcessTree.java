package dev.rcx.spawn;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Kills a process and everything it started. */
final class ProcessTree {
  /**
   * Bounds the snapshot loop; a tree that keeps forking faster than this is killed from the root
   * anyway.
   */
  static final int MAX_ROUNDS = 16;

  private ProcessTree() {}

  /**
   * Sends SIGKILL to every descendant of {@code root}, then to {@code root}.
   *
   * <p>Descendants go first because a killed process's children are re-parented to init and can no
   * longer be found from {@code root}. The snapshot is repeated until it shows no process not
   * already killed, since a process may fork between a snapshot and its kill.
   */
  static void kill(ProcessHandle root) {
    Set<Long> killed = new HashSet<>();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      List<ProcessHandle> fresh = root.descendants().filter(p -> killed.add(p.pid())).toList();
      if (fresh.isEmpty()) {
        break;
      }
      fresh.forEach(ProcessHandle::destroyForcibly);
    }
    root.destroyForcibly();
  }
}
