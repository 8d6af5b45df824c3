/**
 * Running whitelisted commands without a shell.
 *
 * <p>A request flows through three steps: {@link dev.rcx.exec.CommandWords#split} turns the command
 * string into words (quotes honoured, shell syntax rejected, nothing expanded); {@link
 * dev.rcx.exec.Whitelist#check} maps the user, roles and words to a {@link dev.rcx.exec.Decision};
 * for {@link dev.rcx.exec.Decision.Allowed} the {@link dev.rcx.exec.CommandExecutor} takes a slot,
 * starts the exact argv through a {@code spawn.Launcher}, enforces the timeout and yields a sealed
 * {@link dev.rcx.exec.ExecResult}. How a process is started (posix_spawn or ProcessBuilder) lives
 * in {@code dev.rcx.spawn}, the one rcx package this one uses.
 *
 * <p>Concurrency: a {@link dev.rcx.exec.Whitelist} is immutable; {@link
 * dev.rcx.exec.CommandExecutor} is thread-safe (slots handed out by {@code FairSlots} under one
 * lock) and owns one platform thread, {@code rcx-exec-timer}, that fires timeouts and re-kills. An
 * {@link dev.rcx.exec.Execution} may be cancelled from any thread; its streamed output is for one
 * consumer thread. {@link dev.rcx.exec.OrphanGuard} writes to its watcher on {@code
 * rcx-orphan-guard} and never blocks a caller.
 */
@NullMarked
package dev.rcx.exec;

import org.jspecify.annotations.NullMarked;
