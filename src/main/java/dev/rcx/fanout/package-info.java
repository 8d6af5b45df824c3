/**
 * Running one task on many hosts at once: {@link dev.rcx.fanout.FanOut} starts each host's task on
 * its own virtual thread, at most N at a time, and bounds every host by its own deadline so that a
 * dead or hanging host never holds up the others. Results are plain records ({@link
 * dev.rcx.fanout.HostResult}) with a closed set of outcomes ({@link dev.rcx.fanout.HostStatus}).
 *
 * <p>Concurrency. The caller's thread admits hosts in order through a semaphore of N permits; a
 * watchdog thread checks deadlines every few milliseconds. A host's slot is settled exactly once,
 * by whichever comes first: its task returning, or the watchdog at its deadline (which then
 * interrupts the task: socket I/O on a virtual thread is interruptible and closes the socket). The
 * permit is released when the slot is settled, so an abandoned task never holds up the queue.
 * Listeners are called on the settling thread, once per host.
 */
@NullMarked
package dev.rcx.fanout;

import org.jspecify.annotations.NullMarked;
