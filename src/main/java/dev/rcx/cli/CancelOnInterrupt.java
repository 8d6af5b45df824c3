package dev.rcx.cli;

import dev.rcx.client.RcxClient;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * While a remote command runs, Ctrl-C (SIGINT) cancels it on the server instead of killing rcx: the
 * server kills the command's process tree and answers {@code cancelled}, and the session stays. A
 * second Ctrl-C leaves at once with exit status 130. Closing restores the previous handling.
 *
 * <p>A Ctrl-C that comes before the command request was written (while a refused cached session is
 * renewed, say) must stop the command from being sent at all: a {@code cancel} then would reach the
 * server before the command and cancel nothing. So requests go through {@link #send}, which writes
 * the request only if no Ctrl-C came first, and makes a Ctrl-C that comes while the request is
 * being written wait until it is on the wire, so that the {@code cancel} follows it.
 */
final class CancelOnInterrupt implements AutoCloseable {
  private final @Nullable Object previous;
  private final ReentrantLock gate;
  private final Flags flags;

  /** Guarded by the gate. */
  private static final class Flags {
    boolean pressed; // Ctrl-C came
    boolean sent; // a command request is on the wire and its reply not yet in
  }

  private CancelOnInterrupt(@Nullable Object previous, ReentrantLock gate, Flags flags) {
    this.previous = previous;
    this.gate = gate;
    this.flags = flags;
  }

  /** Ctrl-C came before the command request was written: it was not sent and did not run. */
  static final class NotSentException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final String MESSAGE =
        "interrupted (Ctrl-C) before the command was sent: it did not run";

    NotSentException() {
      super(MESSAGE);
    }
  }

  /** Writes one command request and reads its reply. */
  @FunctionalInterface
  interface Request {
    /**
     * @param sent to be run on this thread right after the request was written (and before waiting
     *     for the reply)
     */
    Response send(Runnable sent) throws IOException;
  }

  /** Installs the handler for {@code client}'s command; messages go to {@code err}. */
  static CancelOnInterrupt install(RcxClient client, PrintWriter err) {
    AtomicInteger presses = new AtomicInteger();
    ReentrantLock gate = new ReentrantLock();
    Flags flags = new Flags();
    Runnable handler =
        () -> {
          if (presses.incrementAndGet() > 1) {
            err.println("rcx: interrupted again; leaving without waiting for the server");
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.CANCELLED);
          }
          boolean sent;
          gate.lock(); // waits while the request is being written
          try {
            flags.pressed = true;
            sent = flags.sent;
          } finally {
            gate.unlock();
          }
          if (!sent) {
            err.println("rcx: interrupted; the command will not be sent (Ctrl-C again to leave)");
            err.flush();
            return;
          }
          err.println("rcx: cancelling the remote command (Ctrl-C again to leave at once)");
          err.flush();
          try {
            client.cancel();
          } catch (IOException e) {
            err.println("rcx: cannot send the cancel: " + e.getMessage() + "; leaving");
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.CANCELLED);
          }
        };
    Object previous;
    try {
      previous = Signals.handle("INT", handler);
    } catch (IllegalArgumentException e) {
      // SIGINT is reserved here (java -Xrs): Ctrl-C keeps its default meaning.
      previous = null;
    }
    return new CancelOnInterrupt(previous, gate, flags);
  }

  /**
   * Sends {@code request} unless Ctrl-C came first. Each call is one request (a renewed login sends
   * the command again: a Ctrl-C in between stops the second one).
   *
   * @throws NotSentException if Ctrl-C came before the request was written
   */
  Response send(Request request) throws IOException {
    gate.lock();
    try {
      if (flags.pressed) {
        throw new NotSentException();
      }
      return request.send(this::sent);
    } finally {
      if (!gate.isHeldByCurrentThread()) {
        gate.lock(); // sent: the reply is in, nothing runs any more
      }
      flags.sent = false;
      gate.unlock();
    }
  }

  private void sent() {
    flags.sent = true;
    gate.unlock();
  }

  @Override
  public void close() {
    if (previous != null) {
      Signals.restore("INT", previous);
    }
  }
}
