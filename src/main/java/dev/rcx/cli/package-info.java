/**
 * The {@code rcx} command line (picocli): {@code server}, {@code demo}, {@code exec}, {@code
 * shell}, {@code user}, {@code audit}, {@code bench} and friends. Each command is thin: it parses
 * options, calls the packages below, prints one-line {@code Error:} messages that name the thing
 * and the fix, and returns a documented exit code ({@link dev.rcx.cli.ExitCodes}). Nothing imports
 * this package.
 *
 * <p>Concurrency. Runs on the main thread, apart from the server it starts and fan-out tasks.
 */
@NullMarked
package dev.rcx.cli;

import org.jspecify.annotations.NullMarked;
