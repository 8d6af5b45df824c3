/**
 * Files that must never be seen half-written: one way to replace a file (temp file in the same
 * directory created with its final permissions, fsync, atomic rename, fsync of the directory) for
 * every package that keeps state on disk (users, keys, certificates, known hosts, cached sessions,
 * cursors).
 *
 * <p>A leaf: depends on nothing in rcx and logs nothing, so the lean client path may use it.
 * Stateless and thread-safe; concurrent writers of the same target must serialise themselves (the
 * last rename wins, and no reader ever sees a mix).
 */
@NullMarked
package dev.rcx.files;

import org.jspecify.annotations.NullMarked;
