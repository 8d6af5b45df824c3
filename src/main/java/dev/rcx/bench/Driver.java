package dev.rcx.bench;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * One simulated client of a {@link Target}. The load generator calls every method from one thread,
 * except {@link #close()}, which it may call from another thread to abort an operation that
 * outlived the run.
 *
 * <p>A workload combines these steps (see {@link Workload}): {@code session} is connect + login
 * once, then execute repeatedly; {@code reconnect} is connect + resume + execute + disconnect per
 * command; {@code login} is connect + login + execute + logout + disconnect per command. A driver
 * for another protocol maps them as it can: an SSH driver's {@code connect} is the TCP connection
 * and key exchange, {@code login} is public-key authentication, and {@code resume} may authenticate
 * again if the protocol cannot reuse a credential.
 */
public interface Driver extends AutoCloseable {
  /**
   * Opens a new connection, including any cryptographic handshake.
   *
   * @return nanoseconds spent in the TLS (or SSH) handshake, or 0 if the transport has none
   */
  long connect() throws IOException;

  /**
   * Whether the last {@link #connect()} resumed an earlier TLS session (an abbreviated handshake
   * with a session ticket) rather than doing a full one; null when unknown or not TLS.
   */
  default @Nullable Boolean lastHandshakeResumed() {
    return null;
  }

  /** Authenticates on the open connection with the full credential (a password, a key). */
  void login() throws IOException, OperationFailedException;

  /**
   * Authenticates on the open connection by reusing what the last {@link #login()} obtained (a
   * session token).
   */
  void resume() throws IOException, OperationFailedException;

  /**
   * Runs the benchmark command once on the open connection; returns normally only if it succeeded.
   */
  void execute() throws IOException, OperationFailedException;

  /** Ends the authenticated session on the server, where the protocol has such a step. */
  void logout() throws IOException, OperationFailedException;

  /** Closes the current connection, if any. Idempotent; never throws. */
  void disconnect();

  /**
   * Releases everything, closing the connection; safe to call from another thread. Idempotent;
   * never throws.
   */
  @Override
  void close();
}
