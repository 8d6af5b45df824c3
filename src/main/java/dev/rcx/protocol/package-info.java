/**
 * The wire: newline-delimited JSON messages as sealed records ({@link dev.rcx.protocol.Request},
 * {@link dev.rcx.protocol.Response}), the closed set of {@link dev.rcx.protocol.ErrorCode}s, the
 * strict {@link dev.rcx.protocol.MessageCodec} (unknown, missing, mistyped or duplicate fields are
 * refused; parser depth and number length bounded) and the bounded {@link
 * dev.rcx.protocol.LineReader}. docs/PROTOCOL.md is its specification.
 *
 * <p>Concurrency. Records are immutable; a codec is thread-safe and shared. A line reader belongs
 * to one connection and one reading thread. Depends on no other rcx package.
 */
@NullMarked
package dev.rcx.protocol;

import org.jspecify.annotations.NullMarked;
