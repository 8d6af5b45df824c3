package dev.rcx.cli;

import dev.rcx.client.RcxClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Ctrl-C (SIGINT) during {@code rcx exec} on many hosts. The first press stops every host at once,
 * whatever it is doing, and lets the run end with its summary:
 *
 * <ul>
 *   <li>a host whose command request is on the wire gets a {@code cancel} request on its connection
 *       (as one host does: the server kills the process tree, audits it and answers {@code
 *       cancelled});
 *   <li>a host still connecting or logging in is interrupted (which closes its socket: its command
 *       never starts);
 *   <li>a host not started yet (beyond {@code --parallel}) does not start.
 * </ul>
 *
 * Each then settles as {@code cancelled}. A second press leaves at once with exit status 130
 * (closing every connection, which makes the servers kill what still runs).
 *
 * <p>Each host's task calls {@link #begin}, then {@link #sent} right after its command request is
 * written, then {@link #end}. One lock orders these against the handler, so a cancel is never
 * written before the command it is meant for (the server would ignore it) and no host slips between
 * "interrupt it" and "cancel it".
 */
final class FleetInterrupt implements AutoCloseable {
  private final PrintWriter err;
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<Thread> preparing = new HashSet<>();
  private final Map<Thread, RcxClient> running = new HashMap<>();
  private boolean requested;
  private int presses;
  private @Nullable Object previous;

  FleetInterrupt(PrintWriter err) {
    this.err = err;
  }

  /** A FleetInterrupt that also answers SIGINT until {@link #close}. */
  static FleetInterrupt install(PrintWriter err) {
    FleetInterrupt fi = new FleetInterrupt(err);
    try {
      fi.previous = Signals.handle("INT", fi::press);
    } catch (IllegalArgumentException e) {
      // SIGINT is reserved here (java -Xrs): Ctrl-C keeps its default meaning.
    }
    return fi;
  }

  /** Whether Ctrl-C was pressed. */
  boolean requested() {
    lock.lock();
    try {
      return requested;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The calling host's task starts (connect, log in); false when Ctrl-C came first and it must not.
   */
  boolean begin() {
    lock.lock();
    try {
      if (requested) {
        return false;
      }
      preparing.add(Thread.currentThread());
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The calling host's command request is written on {@code client}: from now on Ctrl-C cancels it
   * there; if Ctrl-C came already, it is cancelled now.
   */
  void sent(RcxClient client) throws IOException {
    boolean cancelNow;
    lock.lock();
    try {
      preparing.remove(Thread.currentThread());
      cancelNow = requested;
      if (!cancelNow) {
        running.put(Thread.currentThread(), client);
      }
    } finally {
      lock.unlock();
    }
    if (cancelNow) {
      client.cancel();
    }
  }

  /** The calling host's task is done with its connection. */
  void end() {
    lock.lock();
    try {
      preparing.remove(Thread.currentThread());
      running.remove(Thread.currentThread());
    } finally {
      lock.unlock();
    }
  }

  /** What Ctrl-C does; see the class description. */
  void press() {
    List<Thread> toInterrupt;
    List<RcxClient> toCancel;
    lock.lock();
    try {
      presses++;
      if (presses > 1) {
        err.println("rcx: interrupted again; leaving without waiting for the servers");
        err.flush();
        Runtime.getRuntime().halt(ExitCodes.CANCELLED);
      }
      requested = true;
      toInterrupt = new ArrayList<>(preparing);
      toCancel = new ArrayList<>(running.values());
    } finally {
      lock.unlock();
    }
    err.println(
        "rcx: cancelling the command on "
            + toCancel.size()
            + (toCancel.size() == 1 ? " host" : " hosts")
            + " and stopping "
            + toInterrupt.size()
            + " not yet running (Ctrl-C again to leave at once)");
    err.flush();
    toInterrupt.forEach(Thread::interrupt);
    for (RcxClient c : toCancel) {
      // One virtual thread per host: a host whose socket does not take the request holds up no
      // other.
      Thread.ofVirtual().name("fleet-cancel").start(() -> cancelQuietly(c));
    }
  }

  private static void cancelQuietly(RcxClient c) {
    try {
      c.cancel();
    } catch (IOException e) {
      // The connection is broken: the host's own result says so, and the server kills the command
      // of a connection that closes.
    }
  }

  @Override
  public void close() {
    Object p = previous;
    if (p != null) {
      Signals.restore("INT", p);
    }
  }
}
