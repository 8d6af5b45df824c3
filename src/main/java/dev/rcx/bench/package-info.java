/**
 * {@code rcx bench}: closed- and open-loop load generators over real sockets, latency recorded in
 * HdrHistogram from the intended send time (no coordinated omission), CPU of the server and of the
 * machine per point, and the Markdown/PNG report. Charts and progress bars stay in this package.
 *
 * <p>Concurrency. Each simulated client runs on its own thread and records into its own histogram;
 * recorders are merged after a point ends. A self-hosted target owns its server and closes it.
 */
@NullMarked
package dev.rcx.bench;

import org.jspecify.annotations.NullMarked;
