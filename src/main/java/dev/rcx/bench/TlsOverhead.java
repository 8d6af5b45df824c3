package dev.rcx.bench;

/**
 * What TLS costs at one point: throughput with TLS divided by throughput in plaintext.
 *
 * @param ratio {@code tls / plaintext}; 0.95 means TLS costs 5% of the throughput
 */
public record TlsOverhead(
    String workload, int clients, double tls, double plaintext, double ratio) {}
