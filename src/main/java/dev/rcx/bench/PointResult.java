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
 * @param serverCpuUsPerCommand the same minus the load threads' own CPU time: the in-process
 *     server's share (plus this JVM's GC and JIT threads); null when the server is not in this JVM
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
    @Nullable Double otherCpus,
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
        otherCpus,
        floorThroughput,
        eff);
  }

  boolean measuresFloor() {
    return workload.equals(FLOOR);
  }
}
