/**
 * The rcx server: {@link dev.rcx.server.RcxServer} accepts connections on a platform thread and
 * gives each a virtual thread ({@link dev.rcx.server.Connection}) that performs the TLS handshake
 * and answers requests in order through the request handler; a watchdog enforces deadlines that a
 * blocking read cannot. Wires protocol, config, tls, auth, exec and audit together and is the only
 * package that does.
 *
 * <p>Concurrency. One virtual thread per connection plus one reader thread per connection (so a
 * client leaving mid-command kills its command); shared state lives in the collaborators (sessions,
 * throttle, audit log, executor), each with its own short locks; no lock is held across I/O.
 * docs/ARCHITECTURE.md names every thread.
 */
@NullMarked
package dev.rcx.server;

import org.jspecify.annotations.NullMarked;
