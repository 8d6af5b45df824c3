/**
 * The {@code rcx} command line (picocli): {@code server}, {@code demo}, {@code exec}, {@code
 * shell}, {@code user}, {@code audit}, {@code bench} and friends. Each command is thin: it parses
 * options, calls the packages below, prints one-line {@code Error:} messages that name the thing
 * and the fix, and returns a documented exit code ({@link dev.rcx.cli.ExitCodes}). Nothing imports
 * this package.
 *
 * <p>Concurrency. A command runs on the main thread and owns its stdout and stderr. Other threads:
 * the server that {@code rcx server} starts (its own threads, docs/ARCHITECTURE.md); the JVM's
 * signal thread, which runs the SIGINT handler installed only while a command runs (it sends {@code
 * cancel} through {@code RcxClient.cancel()}, the one client method safe from another thread) and
 * the server's SIGHUP and SIGTERM handlers; and for {@code exec} on many hosts the fan-out's
 * virtual threads, whose output reaches the printer through one lock so lines never interleave.
 */
@NullMarked
package dev.rcx.cli;

import org.jspecify.annotations.NullMarked;
