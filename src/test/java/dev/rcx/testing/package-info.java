/**
 * Shared fixtures for integration tests over real sockets and processes.
 *
 * <ul>
 *   <li>{@link dev.rcx.testing.TestServer}: a real server on 127.0.0.1 port 0 in a temp dir, with
 *       users, pinned TLS clients, raw sockets, the audit log and an injectable clock. Start here;
 *       its javadoc has an example.
 *   <li>{@link dev.rcx.testing.TestCommands}: writes test-only whitelist files and {@code /bin/sh}
 *       script entries.
 *   <li>{@link dev.rcx.testing.Wire}: speaks the protocol by hand over a raw socket.
 *   <li>{@link dev.rcx.testing.TestClock}, {@link dev.rcx.testing.Poll}: time under test control;
 *       bounded waits.
 * </ul>
 */
package dev.rcx.testing;
