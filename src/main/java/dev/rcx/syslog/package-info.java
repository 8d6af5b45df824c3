/**
 * Forwarding of the audit log to a central syslog collector: every record, as it is written, as an
 * RFC 5424 message over TCP with octet-counting framing (RFC 6587), over TLS per RFC 5425 by
 * default. The local log is the queue: {@link dev.rcx.syslog.SyslogForwarder} reads records by seq
 * from the log file(s), keeps the seq of the last record delivered in a cursor file in the data
 * directory, and after an outage of the collector sends the backlog in order.
 *
 * <p>Concurrency. One virtual thread per server, {@code rcx-syslog}, reads the log, connects, sends
 * and writes the cursor; the audit write path never waits for it. A daemon timer, {@code
 * rcx-syslog-deadline}, closes a connection whose write outlives its deadline. Uses {@code config}
 * (settings), {@code tls} (the collector's TLS context) and {@code files} (the cursor).
 */
@NullMarked
package dev.rcx.syslog;

import org.jspecify.annotations.NullMarked;
