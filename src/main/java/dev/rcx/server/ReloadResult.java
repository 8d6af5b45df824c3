package dev.rcx.server;

import java.util.List;
import java.util.Objects;

/** What {@link RcxServer#reload} did. */
public sealed interface ReloadResult {

  /** One line for the operator (and the control socket's reply). */
  String describe();

  /**
   * The new policy is in force.
   *
   * @param policy the new policy's hash
   * @param previous the hash of the policy it replaced
   * @param commands how many whitelist entries it has
   * @param source the whitelist file, or {@code built-in}
   * @param restartNeeded changed settings that only a restart applies (config-file keys)
   */
  record Reloaded(
      String policy, String previous, int commands, String source, List<String> restartNeeded)
      implements ReloadResult {
    public Reloaded {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(source, "source");
      restartNeeded = List.copyOf(restartNeeded);
    }

    @Override
    public String describe() {
      String base =
          "reloaded: policy "
              + policy
              + (policy.equals(previous) ? " (unchanged)" : " (was " + previous + ")")
              + ", "
              + commands
              + " commands from "
              + source;
      return restartNeeded.isEmpty()
          ? base
          : base
              + "; changed settings that need a restart to apply: "
              + String.join(", ", restartNeeded);
    }
  }

  /**
   * The new files were refused; the old policy stays in force.
   *
   * @param policy the hash of the policy still in force
   * @param reason names the file, line and rule at fault
   */
  record Rejected(String policy, String reason) implements ReloadResult {
    public Rejected {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String describe() {
      return "reload rejected, policy " + policy + " stays in force: " + reason;
    }
  }
}
