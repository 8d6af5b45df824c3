/**
 * Authentication: password storage, the users file, login throttling and session tokens. Uses only
 * {@code files} (to replace the users file atomically) of rcx.
 *
 * <p>Credentials. The client sends the lowercase hex SHA-256 of the password, never the password.
 * That hex string is as good as the password to whoever captures it, so the server stores Argon2id
 * over its 32 raw bytes ({@link dev.rcx.auth.PasswordHasher}), in a PHC string inside the users
 * file ({@link dev.rcx.auth.UserStore}).
 *
 * <p>Login. {@link dev.rcx.auth.Authenticator} asks {@link dev.rcx.auth.LoginThrottle} first,
 * refuses blocked callers without hashing, then verifies; an unknown user costs the same Argon2id
 * run as a known one.
 *
 * <p>Sessions. {@link dev.rcx.auth.SessionManager} issues 256-bit bearer tokens and keeps only
 * their SHA-256, so a heap dump holds no usable token. Expired sessions stay as tombstones for a
 * while so the answer is "expired", not "unknown".
 *
 * <p>Concurrency. Every public class here is thread-safe. Hashing is bounded by a semaphore in the
 * hasher; the store serializes writers per file; the throttle uses one short lock; the session
 * table is a concurrent map. No lock is held across network I/O; the store holds its write lock
 * across its own file write.
 */
@NullMarked
package dev.rcx.auth;

import org.jspecify.annotations.NullMarked;
