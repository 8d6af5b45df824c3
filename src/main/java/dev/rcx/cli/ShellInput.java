package dev.rcx.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code rcx shell} reads its lines: a terminal with line editing, history and completion
 * ({@link TerminalInput}), or plain standard input for scripts and pipes ({@link Plain}).
 */
interface ShellInput extends AutoCloseable {
  /** The next line; null at end of input; "" when the user pressed Ctrl-C at the prompt. */
  @Nullable String readLine(String prompt) throws IOException;

  /** The commands this user may run, for completion; called again when they change. */
  default void commands(List<String> names) {}

  /** Whether a person is typing (then the shell prints prompts and hints). */
  boolean interactive();

  @Override
  default void close() throws IOException {}

  /** Lines from a reader, no prompt, no editing. */
  record Plain(BufferedReader in) implements ShellInput {
    @Override
    public @Nullable String readLine(String prompt) throws IOException {
      return in.readLine();
    }

    @Override
    public boolean interactive() {
      return false;
    }
  }
}
