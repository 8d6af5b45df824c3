package dev.rcx.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where a run happened, for the report.
 *
 * @param os operating system name and version
 * @param arch CPU architecture
 * @param cpus processors available to this JVM
 * @param cpuModel the CPU model from /proc/cpuinfo, or "unknown"
 * @param memoryMib physical memory in MiB
 * @param jdk JVM vendor, name and version
 * @param commit git commit of the working directory (with {@code -dirty} if it has changes), or
 *     "unknown"
 */
public record Machine(
    String os, String arch, int cpus, String cpuModel, long memoryMib, String jdk, String commit) {

  /** Describes this machine and JVM. */
  static Machine current() {
    long memory = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize() >> 20;
    }
    return new Machine(
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(),
        readCpuModel(),
        memory,
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version"),
        gitCommit());
  }

  private static String readCpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String gitCommit() {
    String head = git(List.of("git", "rev-parse", "--short=12", "HEAD"));
    if (head.isEmpty()) {
      return "unknown";
    }
    String status = git(List.of("git", "status", "--porcelain", "--untracked-files=no"));
    return status.isEmpty() ? head : head + "-dirty";
  }

  private static String git(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      return p.exitValue() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
