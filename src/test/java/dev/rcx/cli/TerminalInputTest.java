package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JLine shell input on a terminal fed by the test: editing, completion, history file. */
class TerminalInputTest {
  @TempDir Path dir;

  private static Terminal terminal(String keys, ByteArrayOutputStream screen) throws Exception {
    return TerminalBuilder.builder()
        .system(false)
        .streams(new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)), screen)
        .type("xterm")
        .size(org.jline.terminal.Size.of(120, 40))
        .build();
  }

  @Test
  void readLine_tabCompletesAllowedCommand_historyKeptOwnerOnly() throws Exception {
    Path history = dir.resolve("history").resolve("alice@h%3A1");
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    TerminalInput in = new TerminalInput(terminal("upt\t\nls -l\u0001echo \n", screen), history);
    in.commands(List.of("uptime", "echo", "ls"));
    assertThat(in.readLine("rcx> ")).isEqualTo("uptime ");
    assertThat(in.readLine("rcx> "))
        .as("Ctrl-A moved to the start of the line")
        .isEqualTo("echo ls -l");
    assertThat(in.readLine("rcx> ")).isNull();
    in.close();
    assertThat(Files.readString(history)).contains("uptime").contains("echo ls -l");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void completer_firstWordOnly_commandsAndShellWords() throws Exception {
    TerminalInput in =
        new TerminalInput(terminal("", new ByteArrayOutputStream()), dir.resolve("h"));
    in.commands(List.of("uptime", "df"));
    List<Candidate> first = new ArrayList<>();
    in.completer()
        .complete(
            in.reader(),
            in.reader().getParser().parse("", 0, org.jline.reader.Parser.ParseContext.COMPLETE),
            first);
    assertThat(first)
        .extracting(Candidate::value)
        .containsExactlyInAnyOrder("uptime", "df", "help", "exit", "quit");
    List<Candidate> second = new ArrayList<>();
    in.completer()
        .complete(
            in.reader(),
            in.reader().getParser().parse("df ", 3, org.jline.reader.Parser.ParseContext.COMPLETE),
            second);
    assertThat(second).isEmpty();
    in.close();
  }

  @Test
  void history_previousSessionRecalledWithCtrlP() throws Exception {
    Path history = dir.resolve("hist");
    TerminalInput first =
        new TerminalInput(terminal("df -h /\n", new ByteArrayOutputStream()), history);
    assertThat(first.readLine("> ")).isEqualTo("df -h /");
    first.close();
    TerminalInput second =
        new TerminalInput(terminal("\u0010\n", new ByteArrayOutputStream()), history);
    assertThat(second.readLine("> ")).isEqualTo("df -h /");
    second.close();
  }
}
