package dev.rcx.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The interactive {@link ShellInput}: JLine line editing, a history file per server and user (mode
 * 600, kept across sessions), and tab completion of the commands this user may run plus the shell's
 * own words. Ctrl-C at the prompt clears the line; Ctrl-D (or {@code exit}) leaves.
 */
final class TerminalInput implements ShellInput {
  static final List<String> SHELL_WORDS = List.of("help", "exit", "quit");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Terminal terminal;
  private final LineReader reader;
  private final Path history;
  private volatile List<String> commands = List.of();

  TerminalInput(Terminal terminal, Path history) throws IOException {
    this.terminal = terminal;
    this.history = history;
    ownerOnly(history);
    this.reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("rcx")
            .completer(completer())
            .variable(LineReader.HISTORY_FILE, history)
            .variable(LineReader.HISTORY_SIZE, 1000)
            .variable(LineReader.HISTORY_FILE_SIZE, 1000)
            .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
            .build();
  }

  /** A terminal input on the process's own terminal. */
  static TerminalInput system(Path history) throws IOException {
    return new TerminalInput(TerminalBuilder.builder().system(true).build(), history);
  }

  /** Completes the first word with the user's commands and the shell's own words. */
  Completer completer() {
    return (r, line, candidates) -> {
      if (line.wordIndex() != 0) {
        return;
      }
      for (String name : commands) {
        candidates.add(new Candidate(name));
      }
      for (String word : SHELL_WORDS) {
        candidates.add(new Candidate(word));
      }
    };
  }

  LineReader reader() {
    return reader;
  }

  @Override
  public void commands(List<String> names) {
    this.commands = List.copyOf(names);
  }

  @Override
  public @Nullable String readLine(String prompt) {
    try {
      return reader.readLine(prompt);
    } catch (UserInterruptException e) {
      return "";
    } catch (EndOfFileException e) {
      return null;
    }
  }

  /** Runs {@code action} on Ctrl-C while a command runs (the prompt handles its own). */
  void onInterrupt(Runnable action) {
    terminal.handle(Terminal.Signal.INT, s -> action.run());
  }

  @Override
  public boolean interactive() {
    return true;
  }

  @Override
  public void close() throws IOException {
    try {
      reader.getHistory().save();
      ownerOnly(history);
    } finally {
      terminal.close();
    }
  }

  /** Creates the history file (and its directory, mode 700) owner-only, or makes it so. */
  private static void ownerOnly(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IOException("not a file path (it has no parent directory): " + file);
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!Files.exists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    Files.setPosixFilePermissions(file, OWNER_ONLY);
  }
}
