package dev.rcx.exec;

/**
 * Runs after a command has its slot and right before its process is launched: the place to write
 * the record that must exist before the command can have any effect.
 */
@FunctionalInterface
public interface LaunchGate {
  /** Lets every launch through. */
  LaunchGate OPEN = () -> {};

  /**
   * Called once per launch on the caller's thread. An exception thrown here stops the launch: the
   * slot is released and the exception reaches the caller of {@link CommandExecutor#start}.
   */
  void beforeLaunch();
}
