package dev.rcx.bench;

import java.util.function.LongSupplier;

/**
 * Reads a server that runs as its own process on this machine, so a point can report the server's
 * CPU and memory apart from the load generator's.
 *
 * @param pid its process id
 * @param cpuNanos CPU time it has used so far (user + system), -1 if unknown
 * @param rssKib its resident memory now, -1 if unknown
 */
public record ServerProbe(long pid, LongSupplier cpuNanos, LongSupplier rssKib) {}
