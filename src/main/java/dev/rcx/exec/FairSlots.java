package dev.rcx.exec;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Command slots shared fairly between users: at most {@code capacity} held at once, at most {@code
 * perUser} by one user. A user below both limits with nobody of their own waiting gets a slot at
 * once; otherwise they wait in their own queue, and each freed slot goes to the next user, round
 * robin, who has someone waiting and is below their own limit. So a user who keeps their limit's
 * worth of long commands queued never delays another user's command by more than the time until one
 * slot frees, and a user at their limit delays nobody. Thread-safe.
 */
final class FairSlots {
  private final int capacity;
  private final int perUser;
  private final ReentrantLock lock = new ReentrantLock();
  private int inUse;
  private final Map<String, Integer> held = new HashMap<>();
  private final Map<String, ArrayDeque<Waiter>> queues = new HashMap<>();

  /** Users with someone waiting, in the order they are served next. */
  private final ArrayDeque<String> turn = new ArrayDeque<>();

  private final class Waiter {
    final Condition granted = lock.newCondition();
    boolean done;
  }

  FairSlots(int capacity, int perUser) {
    if (capacity < 1 || perUser < 1) {
      throw new IllegalArgumentException(
          "capacity and perUser must be >= 1, were " + capacity + " and " + perUser);
    }
    this.capacity = capacity;
    this.perUser = Math.min(perUser, capacity);
  }

  /**
   * Takes a slot for {@code user}, waiting at most {@code wait}.
   *
   * @return whether a slot was taken (then {@link #release} it)
   */
  boolean acquire(String user, Duration wait) throws InterruptedException {
    lock.lock();
    try {
      ArrayDeque<Waiter> own = queues.get(user);
      if ((own == null || own.isEmpty()) && inUse < capacity && heldBy(user) < perUser) {
        take(user);
        return true;
      }
      Waiter w = new Waiter();
      queues.computeIfAbsent(user, u -> new ArrayDeque<>()).addLast(w);
      if (!turn.contains(user)) {
        turn.addLast(user);
      }
      dispatch();
      long nanos = wait.toNanos();
      try {
        while (!w.done && nanos > 0) {
          nanos = w.granted.awaitNanos(nanos);
        }
      } catch (InterruptedException e) {
        if (w.done) {
          release(user);
        } else {
          forget(user, w);
        }
        throw e;
      }
      if (!w.done) {
        forget(user, w);
      }
      return w.done;
    } finally {
      lock.unlock();
    }
  }

  /** Gives back a slot {@code user} took. */
  void release(String user) {
    lock.lock();
    try {
      inUse--;
      held.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  /** Slots held by {@code user} right now. */
  int heldBy(String user) {
    lock.lock();
    try {
      return held.getOrDefault(user, 0);
    } finally {
      lock.unlock();
    }
  }

  private void take(String user) {
    inUse++;
    held.merge(user, 1, Integer::sum);
  }

  /** Hands free slots to waiting users in turn, skipping users at their own limit. */
  private void dispatch() {
    int passes = turn.size();
    while (inUse < capacity && passes > 0 && !turn.isEmpty()) {
      String user = turn.pollFirst();
      ArrayDeque<Waiter> q = queues.get(user);
      if (q == null || q.isEmpty()) {
        queues.remove(user);
        passes = turn.size();
        continue;
      }
      if (heldBy(user) >= perUser) {
        turn.addLast(user);
        passes--;
        continue;
      }
      Waiter w = q.pollFirst();
      take(user);
      w.done = true;
      w.granted.signal();
      if (q.isEmpty()) {
        queues.remove(user);
      } else {
        turn.addLast(user);
      }
      passes = turn.size();
    }
  }

  private void forget(String user, Waiter w) {
    ArrayDeque<Waiter> q = queues.get(user);
    if (q != null) {
      q.remove(w);
      if (q.isEmpty()) {
        queues.remove(user);
        turn.remove(user);
      }
    }
  }
}
