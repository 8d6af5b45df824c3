package dev.rcx.server;

import dev.rcx.exec.Execution;
import org.jspecify.annotations.Nullable;

/**
 * The command running on one connection, and every reason it must stop: the one owner that the
 * request thread registers the command with and that a {@code cancel}, the client's disconnect, the
 * connection's close and the shutdown act on directly.
 *
 * <p>Lines are numbered by the reader from 0. The request thread says which line it is handling and
 * when it is done with it; a {@code cancel} read on line {@code n} stops the command of every
 * earlier line that has not finished: the one running now, or one still starting when it registers.
 *
 * <p>Threads: the request thread calls {@link #handling}, {@link #finished}, {@link #started} and
 * {@link #ended}; the reader thread, the connection's close and the shutdown call the rest. Fields
 * are volatile and no lock is taken: a registration writes the command before reading the reasons
 * to stop, and every reason is written before the command is read, so a command and a reason that
 * race always meet on one side.
 */
final class RunningCommand {
  private volatile @Nullable Execution execution;

  /**
   * The client's stream ended or broke, or the connection is closing: nobody asked, nobody left.
   */
  private volatile boolean clientGone;

  /** Commands of lines before this index are cancelled (set by a {@code cancel} request). */
  private volatile long cancelBefore = -1;

  /** The line the request thread is handling now. */
  private volatile long handling = -1;

  /** The last line the request thread is done with. */
  private volatile long finished = -1;

  private volatile boolean shutdownKilled;

  /** Request thread: starts answering line {@code line}. */
  void handling(long line) {
    handling = line;
  }

  /** Request thread: done with line {@code line} (answered, or its cancel answered). */
  void finished(long line) {
    finished = line;
  }

  /** Whether no request is in hand: every line read so far has been answered. */
  boolean idle() {
    return handling <= finished;
  }

  /**
   * Request thread: {@code started} runs for the line being handled until {@link #ended()}. It is
   * cancelled at once if the client left, the connection closed or a {@code cancel} came for its
   * line while it was starting (or queued for a slot).
   */
  void started(Execution started) {
    execution = started;
    if (clientGone || handling < cancelBefore) {
      started.cancel();
    }
  }

  /** Request thread: the command has ended (its result is in hand). */
  void ended() {
    execution = null;
  }

  /** Whether a command is running (registered and not yet ended). */
  boolean running() {
    return execution != null;
  }

  /**
   * Reader thread: whether a {@code cancel} read as line {@code line} has anything to stop: a
   * running command, or an earlier line not yet finished.
   */
  boolean cancelWouldStop(long line) {
    return execution != null || finished < line - 1;
  }

  /** Reader thread: a {@code cancel} read as line {@code line}, already audited, takes effect. */
  void cancelBefore(long line) {
    cancelBefore = line;
    cancelNow();
  }

  /**
   * The client went away or the connection is closing: the running command is killed, not left to
   * finish for nobody, and one that registers later is killed as it starts.
   */
  void clientGone() {
    clientGone = true;
    cancelNow();
  }

  /**
   * Whether the client went away or the connection is closing, so a cancelled command's cancel was
   * not asked for and nobody is left to answer.
   */
  boolean isClientGone() {
    return clientGone;
  }

  /**
   * The shutdown grace period is over: kills the running command, which its request thread then
   * answers {@code SERVER_SHUTDOWN}. Returns whether a command was running.
   */
  boolean killForShutdown() {
    Execution e = execution;
    if (e == null) {
      return false;
    }
    shutdownKilled = true;
    e.cancel();
    return true;
  }

  /**
   * Whether the command was killed by the shutdown rather than by a cancel or the client leaving.
   */
  boolean shutdownKilled() {
    return shutdownKilled;
  }

  private void cancelNow() {
    Execution e = execution;
    if (e != null) {
      e.cancel();
    }
  }
}
