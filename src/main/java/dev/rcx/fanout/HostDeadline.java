package dev.rcx.fanout;

import java.time.Duration;

/**
 * The deadline of one host's task, which the task moves forward as it goes from one phase to the
 * next (for example from "connect and log in" to "run the command"). When it passes, {@link FanOut}
 * settles the host as {@link HostStatus#NO_ANSWER} naming the phase, and interrupts the task.
 */
public interface HostDeadline {
  /** From now on the task has {@code budget} for {@code phase} (a short noun, e.g. "command"). */
  void next(String phase, Duration budget);
}
