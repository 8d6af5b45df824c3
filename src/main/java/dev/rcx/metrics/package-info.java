/**
 * Server metrics: {@link dev.rcx.metrics.ServerMetrics} is the small interface the server reports
 * through ({@code none()} when metrics are off), and its Prometheus implementation serves {@code
 * /metrics} and a health endpoint that writes no audit record. The only package that imports the
 * Prometheus client.
 *
 * <p>Concurrency. Every method is called from many connection threads at once and only updates
 * thread-safe Prometheus collectors; the HTTP endpoint runs on its own small executor.
 */
@NullMarked
package dev.rcx.metrics;

import org.jspecify.annotations.NullMarked;
