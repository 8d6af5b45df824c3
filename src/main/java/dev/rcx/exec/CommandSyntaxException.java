package dev.rcx.exec;

import java.util.Objects;

/**
 * A command line that {@link CommandWords#split} refuses: an unquoted shell operator, a control
 * character, an unterminated quote, or a line over the size limits. The message is meant for the
 * caller and names the problem and, where there is one, the 1-based column.
 */
public final class CommandSyntaxException extends Exception {
  private final int column;

  CommandSyntaxException(String message, int column) {
    super(message);
    this.column = column;
  }

  /**
   * The 1-based column of the offending character, or 0 when the problem concerns the whole line.
   */
  public int column() {
    return column;
  }

  /** Never null: every constructor sets it. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
