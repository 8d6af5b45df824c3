/**
 * Starting a child process and capturing its output: the {@link dev.rcx.spawn.Launcher} port and
 * its two implementations, kept apart from the whitelist policy and the executor in {@code exec}.
 *
 * <p>The native launcher calls glibc's {@code posix_spawn} through the foreign function API (found
 * reflectively, so the code compiles for release 21): one exec per command, the child in its own
 * session and process group, every other descriptor closed. The JDK launcher uses {@link
 * ProcessBuilder}. Either way a {@link dev.rcx.spawn.Child} gives the pid, the exit, the end of
 * output, a kill of the whole tree, and two capped {@link dev.rcx.spawn.OutputCapture}s whose
 * shared {@link dev.rcx.spawn.OutputJournal} records the order the streams wrote in. Everything
 * else here (the C bindings, the epoll loop, the reader threads) is package-private.
 *
 * <p>Concurrency: launchers are created once per JVM and are thread-safe; {@code launch} runs on
 * the caller's thread. The native launcher owns one platform thread, {@code rcx-exec-io}, which
 * reads every child's pipes and reaps every child; the JDK launcher starts two platform threads per
 * child, {@code rcx-exec-PID-out} and {@code -err}. Callbacks on {@link
 * dev.rcx.spawn.Child#exited()} and {@link dev.rcx.spawn.Child#drained()} run on those threads and
 * must not block. A capture is written by one reader thread and read from any thread. This package
 * depends on no other rcx package.
 */
@NullMarked
package dev.rcx.spawn;

import org.jspecify.annotations.NullMarked;
