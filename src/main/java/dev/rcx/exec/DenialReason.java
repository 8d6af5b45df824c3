package dev.rcx.exec;

/** Why {@link Whitelist#check} refused a command. */
public enum DenialReason {
  /** The command name is not whitelisted, or this user and these roles may not run it. */
  COMMAND_NOT_ALLOWED,
  /**
   * Too many arguments, or an argument that matches no pattern, has a {@code ..} segment or a
   * control character.
   */
  ARGUMENT_NOT_ALLOWED
}
