package dev.rcx.bench;

/**
 * Reads a server that runs as its own process on this machine (an {@code rcx server} the bench
 * started, or any server named with {@code --server-pid}), so a point can report the server's CPU,
 * its commands' CPU and its memory apart from the load generator's. Everything is read from Linux's
 * {@code /proc}; elsewhere the figures are unknown.
 *
 * @param pid its process id
 */
public record ServerProbe(long pid) {
  public ServerProbe {
    if (pid <= 0) {
      throw new IllegalArgumentException(
          "--server-pid: a process id is a positive number, not " + pid);
    }
  }

  /** Its CPU time so far: its own, its reaped children's, its JIT compiler threads'. */
  ProcessCpu cpu() {
    return ProcessCpu.read(pid);
  }

  /** Its resident memory now, in KiB; -1 if unknown. */
  long rssKib() {
    return ServerProcess.ProcStatus.kib(pid, "VmRSS");
  }
}
