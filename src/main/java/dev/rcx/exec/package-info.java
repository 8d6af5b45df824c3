/**
 * Running whitelisted commands without a shell.
 *
 * <p>A request flows through three steps: {@link dev.rcx.exec.CommandWords#split} turns the command
 * string into words (quotes honoured, shell syntax rejected, nothing expanded); {@link
 * dev.rcx.exec.Whitelist#check} maps the user, roles and words to a {@link dev.rcx.exec.Decision};
 * for {@link dev.rcx.exec.Decision.Allowed} the {@link dev.rcx.exec.CommandExecutor} starts the
 * exact argv and yields a sealed {@link dev.rcx.exec.ExecResult}. This package depends on no other
 * rcx package.
 */
@NullMarked
package dev.rcx.exec;

import org.jspecify.annotations.NullMarked;
