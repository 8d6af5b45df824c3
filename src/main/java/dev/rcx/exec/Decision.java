package dev.rcx.exec;

import java.util.List;
import java.util.Objects;

/** The outcome of {@link Whitelist#check}: either the exact argv to run, or a reason to refuse. */
public sealed interface Decision {

  /**
   * The command may run.
   *
   * @param rule the matching whitelist entry
   * @param argv the executable path, then the rule's fixed arguments, then the caller's extra words
   */
  record Allowed(CommandRule rule, List<String> argv) implements Decision {
    public Allowed {
      Objects.requireNonNull(rule, "rule");
      argv = List.copyOf(argv);
    }
  }

  /**
   * The command may not run.
   *
   * @param reason the category, suitable for an error code
   * @param message for the caller: names the command and, for arguments, the index and (shortened)
   *     value
   */
  record Denied(DenialReason reason, String message) implements Decision {
    public Denied {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
