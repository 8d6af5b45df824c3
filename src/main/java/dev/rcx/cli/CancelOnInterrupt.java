package dev.rcx.cli;

import dev.rcx.client.RcxClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * While a remote command runs, Ctrl-C (SIGINT) cancels it on the server instead of killing rcx: the
 * server kills the command's process tree and answers {@code cancelled}, and the session stays. A
 * second Ctrl-C leaves at once with exit status 130. Closing restores the previous handling.
 */
final class CancelOnInterrupt implements AutoCloseable {
  private final @Nullable Object previous;

  private CancelOnInterrupt(@Nullable Object previous) {
    this.previous = previous;
  }

  /** Installs the handler for {@code client}'s command; messages go to {@code err}. */
  static CancelOnInterrupt install(RcxClient client, PrintWriter err) {
    AtomicInteger presses = new AtomicInteger();
    Runnable handler =
        () -> {
          if (presses.incrementAndGet() > 1) {
            err.println("rcx: interrupted again; leaving without waiting for the server");
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.CANCELLED);
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
    try {
      return new CancelOnInterrupt(Signals.handle("INT", handler));
    } catch (IllegalArgumentException e) {
      // SIGINT is reserved here (java -Xrs): Ctrl-C keeps its default meaning.
      return new CancelOnInterrupt(null);
    }
  }

  @Override
  public void close() {
    if (previous != null) {
      Signals.restore("INT", previous);
    }
  }
}
