package dev.rcx.fanout;

/**
 * The work done on one host. Runs on its own virtual thread; must return promptly once interrupted
 * (blocking socket I/O on a virtual thread does). Expected failures are results, not exceptions.
 */
@FunctionalInterface
public interface HostTask {
  HostResult run(Target target, HostDeadline deadline) throws Exception;
}
