package dev.rcx.bench;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The figures of one measured point.
 *
 * @param workload {@code session}, {@code reconnect}, {@code login}, or {@code floor} for the local
 *     spawn floor
 * @param transport {@code tls}, {@code plaintext} or {@code spawn}
 * @param clients concurrent simulated clients
 * @param targetRate commands per second asked for by an open loop ({@code --rate}), or null for a
 *     closed loop
 * @param seconds length of the measured window
 * @param commands commands that succeeded in the window
 * @param throughput {@code commands / seconds}
 * @param latency latency of the successful commands, from their intended send time; null if none
 *     succeeded
 * @param tlsHandshake TLS handshakes seen (for {@code session}: one per client, before the window);
 *     null if none
 * @param auth password logins seen (for {@code session} and {@code reconnect}: before the window);
 *     null if none
 * @param errors failed commands in the window (plus, for an open loop, commands never sent)
 * @param errorCodes failures by code
 * @param errorExamples the first message seen for each code
 * @param cpuUsPerCommand CPU time of this whole JVM per successful command, in microseconds
 * @param serverCpuUsPerCommand the server's CPU time per successful command: read from its own
 *     process ({@code /proc}) when it runs apart on this machine; estimated as this JVM's minus the
 *     load threads' when it runs in this JVM (then it includes this JVM's GC and JIT threads); null
 *     for a remote server
 * @param serverJitUsPerCommand of the server's CPU time, what its JIT compiler threads used, per
 *     successful command: well above 0 means the server was still warming up; null unless it runs
 *     as its own process on this machine
 * @param commandCpuUsPerCommand CPU time of the commands the server ran (its reaped child
 *     processes), per successful command; null unless it runs as its own process on this machine
 * @param clientCpuUsPerCommand CPU time of the load threads (the clients) per successful command
 * @param serverRssMib the server process's resident memory at the end of the window, in MiB; null
 *     unless the server runs as its own process on this machine
 * @param resumedFraction of the TLS handshakes seen, the fraction that resumed an earlier session
 *     (abbreviated handshake with a session ticket); null when there were none
 * @param otherCpus CPUs' worth of work other processes on this machine did during the window (Linux
 *     only): well above 0 means the figures were measured on a shared, busy machine
 * @param floor the spawn floor's throughput at the same number of clients, if measured
 * @param efficiency {@code throughput / floor}
 */
public record PointResult(
    String workload,
    String transport,
    int clients,
    @Nullable Double targetRate,
    double seconds,
    long commands,
    double throughput,
    @Nullable Latency latency,
    @Nullable Latency tlsHandshake,
    @Nullable Latency auth,
    long errors,
    Map<String, Long> errorCodes,
    Map<String, String> errorExamples,
    @Nullable Double cpuUsPerCommand,
    @Nullable Double serverCpuUsPerCommand,
    @Nullable Double serverJitUsPerCommand,
    @Nullable Double commandCpuUsPerCommand,
    @Nullable Double otherCpus,
    @Nullable Double clientCpuUsPerCommand,
    @Nullable Double serverRssMib,
    @Nullable Double resumedFraction,
    @Nullable Double floor,
    @Nullable Double efficiency) {

  /** The workload label of the spawn floor. */
  public static final String FLOOR = "floor";

  public PointResult {
    errorCodes = Collections.unmodifiableMap(new TreeMap<>(errorCodes));
    errorExamples = Collections.unmodifiableMap(new TreeMap<>(errorExamples));
  }

  /** This result compared with the floor's throughput at the same number of clients. */
  PointResult withFloor(double floorThroughput) {
    Double eff = floorThroughput > 0 ? throughput / floorThroughput : null;
    return toBuilder().floor(floorThroughput).efficiency(eff).build();
  }

  /**
   * Starts a result for one point. The builder is the stable way to make results outside this
   * package (the OpenSSH comparison, tests): new columns get a setter and a default, so callers
   * that do not know them keep compiling.
   */
  public static Builder builder(String workload, String transport, int clients) {
    return new Builder(workload, transport, clients);
  }

  /** A builder holding every column of this result. */
  public Builder toBuilder() {
    Builder b = new Builder(workload, transport, clients);
    b.targetRate = targetRate;
    b.seconds = seconds;
    b.commands = commands;
    b.throughput = throughput;
    b.latency = latency;
    b.tlsHandshake = tlsHandshake;
    b.auth = auth;
    b.errors = errors;
    b.errorCodes = errorCodes;
    b.errorExamples = errorExamples;
    b.cpuUsPerCommand = cpuUsPerCommand;
    b.serverCpuUsPerCommand = serverCpuUsPerCommand;
    b.serverJitUsPerCommand = serverJitUsPerCommand;
    b.commandCpuUsPerCommand = commandCpuUsPerCommand;
    b.otherCpus = otherCpus;
    b.clientCpuUsPerCommand = clientCpuUsPerCommand;
    b.serverRssMib = serverRssMib;
    b.resumedFraction = resumedFraction;
    b.floor = floor;
    b.efficiency = efficiency;
    return b;
  }

  /** Builds a {@link PointResult}; unset columns are 0, empty or null (not measured). */
  public static final class Builder {
    private final String workload;
    private final String transport;
    private final int clients;
    private @Nullable Double targetRate;
    private double seconds;
    private long commands;
    private double throughput;
    private @Nullable Latency latency;
    private @Nullable Latency tlsHandshake;
    private @Nullable Latency auth;
    private long errors;
    private Map<String, Long> errorCodes = Map.of();
    private Map<String, String> errorExamples = Map.of();
    private @Nullable Double cpuUsPerCommand;
    private @Nullable Double serverCpuUsPerCommand;
    private @Nullable Double serverJitUsPerCommand;
    private @Nullable Double commandCpuUsPerCommand;
    private @Nullable Double otherCpus;
    private @Nullable Double clientCpuUsPerCommand;
    private @Nullable Double serverRssMib;
    private @Nullable Double resumedFraction;
    private @Nullable Double floor;
    private @Nullable Double efficiency;

    private Builder(String workload, String transport, int clients) {
      this.workload = workload;
      this.transport = transport;
      this.clients = clients;
    }

    public Builder targetRate(@Nullable Double v) {
      targetRate = v;
      return this;
    }

    /** Length of the window and what succeeded in it; also sets the throughput. */
    public Builder window(double seconds, long commands) {
      this.seconds = seconds;
      this.commands = commands;
      this.throughput = seconds > 0 ? Math.round(commands / seconds * 10) / 10.0 : 0;
      return this;
    }

    public Builder throughput(double v) {
      throughput = v;
      return this;
    }

    public Builder latency(@Nullable Latency v) {
      latency = v;
      return this;
    }

    public Builder tlsHandshake(@Nullable Latency v) {
      tlsHandshake = v;
      return this;
    }

    public Builder auth(@Nullable Latency v) {
      auth = v;
      return this;
    }

    /** Failures by code; also sets {@code errors} to their sum. */
    public Builder errorCodes(Map<String, Long> v) {
      errorCodes = v;
      errors = v.values().stream().mapToLong(Long::longValue).sum();
      return this;
    }

    public Builder errors(long v) {
      errors = v;
      return this;
    }

    public Builder errorExamples(Map<String, String> v) {
      errorExamples = v;
      return this;
    }

    public Builder cpuUsPerCommand(@Nullable Double v) {
      cpuUsPerCommand = v;
      return this;
    }

    public Builder serverCpuUsPerCommand(@Nullable Double v) {
      serverCpuUsPerCommand = v;
      return this;
    }

    public Builder serverJitUsPerCommand(@Nullable Double v) {
      serverJitUsPerCommand = v;
      return this;
    }

    public Builder commandCpuUsPerCommand(@Nullable Double v) {
      commandCpuUsPerCommand = v;
      return this;
    }

    public Builder otherCpus(@Nullable Double v) {
      otherCpus = v;
      return this;
    }

    public Builder clientCpuUsPerCommand(@Nullable Double v) {
      clientCpuUsPerCommand = v;
      return this;
    }

    public Builder serverRssMib(@Nullable Double v) {
      serverRssMib = v;
      return this;
    }

    public Builder resumedFraction(@Nullable Double v) {
      resumedFraction = v;
      return this;
    }

    public Builder floor(@Nullable Double v) {
      floor = v;
      return this;
    }

    public Builder efficiency(@Nullable Double v) {
      efficiency = v;
      return this;
    }

    public PointResult build() {
      return new PointResult(
          workload,
          transport,
          clients,
          targetRate,
          seconds,
          commands,
          throughput,
          latency,
          tlsHandshake,
          auth,
          errors,
          errorCodes,
          errorExamples,
          cpuUsPerCommand,
          serverCpuUsPerCommand,
          serverJitUsPerCommand,
          commandCpuUsPerCommand,
          otherCpus,
          clientCpuUsPerCommand,
          serverRssMib,
          resumedFraction,
          floor,
          efficiency);
    }
  }

  boolean measuresFloor() {
    return workload.equals(FLOOR);
  }
}
