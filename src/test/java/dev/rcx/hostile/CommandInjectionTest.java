package dev.rcx.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcx.exec.CommandRule;
import dev.rcx.exec.CommandSyntaxException;
import dev.rcx.exec.CommandWords;
import dev.rcx.exec.Whitelist;
import dev.rcx.testing.TestServer;
import dev.rcx.testing.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command injection against the built-in default whitelist: for every command in it, arguments
 * carrying shell operators, substitutions, globs, {@code ..} paths, option-looking words, line
 * breaks, NUL, and very long and very many words, each sent three ways (in the literal {@code args}
 * array, unquoted in the {@code command} line, and quoted in it). Every request is either refused
 * (ARGUMENT_NOT_ALLOWED or COMMAND_NOT_ALLOWED; INVALID_REQUEST for bounds) or runs the whitelisted
 * executable with exactly the literal words, which {@code echo}'s output proves, and every one is
 * audited. A canary script that would leave a file behind if any shell ever ran it never runs.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CommandInjectionTest {
  private static final String FROM = "127.0.0.8";

  @TempDir Path dir;
  private Path canary;
  private Path canaryRan;

  @BeforeEach
  void writeCanary() throws Exception {
    canaryRan = dir.resolve("canary-ran");
    canary = dir.resolve("canary.sh");
    Files.writeString(canary, "#!/bin/sh\ntouch \"${1:-" + canaryRan + "}\"\n");
    Files.setPosixFilePermissions(canary, PosixFilePermissions.fromString("rwxr-xr-x"));
    // The canary works: run directly, it leaves its mark (elsewhere, so the real mark stays
    // absent).
    Path selfCheck = dir.resolve("canary-self-check");
    Process p = new ProcessBuilder(canary.toString(), selfCheck.toString()).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(selfCheck).exists();
  }

  /** What was sent, and the words the executable must receive if it runs at all. */
  record Sent(String route, String command, List<String> args, List<String> words) {}

  @Test
  void injectionPayloadsForEveryDefaultCommand_refusedOrLiteral_allAudited_canaryNeverRuns()
      throws Exception {
    Whitelist defaults = Whitelist.defaults();
    assertThat(defaults.rules()).extracting(CommandRule::name).contains("echo", "ls", "date", "id");
    try (Arena arena = Arena.open(TestServer.builder(dir).config(c -> c.withCommandsFile(null)))) {
      TestServer s = arena.server;
      String token = Hostile.token(s, "mallory", "pw");
      List<Sent> sent = new ArrayList<>();
      List<JsonNode> replies = new ArrayList<>();
      try (Wire w = Hostile.wireFrom(s, FROM)) {
        for (CommandRule rule : defaults.rules()) {
          for (String payload : payloads()) {
            send(
                w,
                token,
                sent,
                replies,
                new Sent("args", rule.name(), List.of(payload), List.of(payload)));
            send(
                w,
                token,
                sent,
                replies,
                new Sent(
                    "quoted", rule.name() + " " + quote(payload), List.of(), List.of(payload)));
            send(
                w,
                token,
                sent,
                replies,
                new Sent("unquoted", rule.name() + " " + payload, List.of(), splitOrNull(payload)));
          }
          for (List<String> many :
              List.of(Collections.nCopies(17, "a"), Collections.nCopies(1000, "a"))) {
            send(w, token, sent, replies, new Sent("args", rule.name(), many, many));
          }
          send(
              w,
              token,
              sent,
              replies,
              new Sent("unquoted", rule.name() + " a".repeat(2000), List.of(), null));
          send(
              w,
              token,
              sent,
              replies,
              new Sent("args", rule.name(), Collections.nCopies(1025, "a"), null));
        }
        for (String name :
            List.of(
                canary.toString(),
                "sh",
                "/bin/sh",
                "bash",
                "../../bin/sh",
                "ECHO",
                "rm",
                "/usr/bin/echo",
                "./echo",
                "echo/../sh",
                "env",
                "xargs",
                "busybox",
                "sudo")) {
          send(w, token, sent, replies, new Sent("name", name, List.of(canary.toString()), null));
        }
      }
      String client = FROM;
      List<JsonNode> audited =
          s.auditEvents().stream()
              .filter(e -> e.path("client").asText().startsWith(client + ":"))
              .filter(
                  e ->
                      Set.of("command_run", "command_denied", "protocol_error")
                          .contains(e.path("event").asText()))
              .toList();
      assertThat(audited).as("one audit record per request").hasSameSizeAs(sent);
      Map<String, String> executables =
          defaults.rules().stream()
              .collect(Collectors.toMap(CommandRule::name, r -> r.executable().toString()));
      int ran = 0;
      for (int i = 0; i < sent.size(); i++) {
        ran += check(sent.get(i), replies.get(i), audited.get(i), executables) ? 1 : 0;
      }
      System.out.printf(
          "INJECTION: %d requests against %d default commands: %d ran literally, %d refused%n",
          sent.size(), executables.size(), ran, sent.size() - ran);
      assertThat(ran).as("some payloads pass literally (echo)").isPositive();
      assertThat(canaryRan).as("canary mark: some payload reached a shell").doesNotExist();
      arena.finish();
    }
  }

  @Test
  void dangerousOptionsOfDefaultCommands_refused() throws Exception {
    Map<String, List<String>> dangerous =
        Map.of(
            "date",
                List.of(
                    "-s",
                    "--set=@0",
                    "-s@0",
                    "-f/etc/shadow",
                    "--file=/etc/passwd",
                    "-r/etc/shadow",
                    "--reference=/etc/shadow",
                    "-d@0"),
            "hostname", List.of("-F", "--file=/etc/shadow", "-b", "evil", "-i"),
            "free", List.of("-s", "-s1", "-c", "--seconds=1", "--count=100000"),
            "ls", List.of("--hide=*", "-I", "--color=always", "-w1", "--", "-"),
            "df", List.of("--output", "--sync", "-x"),
            "uptime", List.of("--since", "-V"),
            "uname", List.of("--help"),
            "id", List.of("--zero", "-Z", "root; id"),
            "whoami", List.of("--help"));
    try (Arena arena = Arena.open(TestServer.builder(dir).config(c -> c.withCommandsFile(null)));
        Wire w = Hostile.wireFrom(arena.server, FROM)) {
      String token = Hostile.token(arena.server, "mallory", "pw");
      for (Map.Entry<String, List<String>> e : dangerous.entrySet()) {
        if (Whitelist.defaults().rule(e.getKey()).isEmpty()) {
          continue;
        }
        for (String option : e.getValue()) {
          JsonNode r = w.call(Hostile.command(token, e.getKey(), List.of(option), "d"));
          assertThat(r.path("code").asText())
              .as("%s %s", e.getKey(), option)
              .isEqualTo("ARGUMENT_NOT_ALLOWED");
        }
      }
      arena.finish();
    }
  }

  private static void send(Wire w, String token, List<Sent> sent, List<JsonNode> replies, Sent s)
      throws Exception {
    sent.add(s);
    replies.add(w.call(Hostile.command(token, s.command(), s.args(), String.valueOf(sent.size()))));
  }

  /**
   * Checks one reply and its audit record; returns whether the command ran. A run must be the
   * whitelisted executable with exactly the literal words; a refusal must carry a refusal code;
   * both must be audited as such.
   */
  private static boolean check(
      Sent s, JsonNode reply, JsonNode audit, Map<String, String> executables) {
    String what = s.route() + " " + abbreviate(s.command() + " " + s.args());
    assertThat(reply.path("id").asText()).isNotEmpty();
    if (reply.path("type").asText().equals("error")) {
      String code = reply.path("code").asText();
      assertThat(code)
          .as(what)
          .isIn("ARGUMENT_NOT_ALLOWED", "COMMAND_NOT_ALLOWED", "INVALID_REQUEST");
      if (audit.path("event").asText().equals("command_denied")) {
        assertThat(audit.path("code").asText()).as(what).isEqualTo(code);
      } else {
        assertThat(audit.path("event").asText()).as(what).isEqualTo("protocol_error");
        assertThat(code).as(what).isEqualTo("INVALID_REQUEST");
      }
      return false;
    }
    assertThat(reply.path("type").asText()).as(what).isEqualTo("command_output");
    assertThat(s.words())
        .as("%s ran, but its words were not expected to be accepted", what)
        .isNotNull();
    String name = s.command().strip().split(" ", 2)[0];
    assertThat(executables).as(what).containsKey(name);
    assertThat(audit.path("event").asText()).as(what).isEqualTo("command_run");
    List<String> argv = new ArrayList<>();
    audit.path("argv").forEach(a -> argv.add(a.asText()));
    List<String> expected = new ArrayList<>();
    expected.add(executables.get(name));
    s.words().forEach(word -> expected.add(asAudited(word)));
    assertThat(argv).as("%s: argv exactly the literal words", what).isEqualTo(expected);
    if (name.equals("echo") && !echoOption(s.words())) {
      assertThat(reply.path("output").asText())
          .as("%s: echo printed its words verbatim", what)
          .isEqualTo(String.join(" ", s.words()) + "\n");
    }
    return true;
  }

  /**
   * How the audit log records one argument: whole up to 4096 characters, else cut and marked with
   * the rest's length.
   */
  private static String asAudited(String word) {
    int max = 4096;
    return word.length() <= max
        ? word
        : word.substring(0, max) + "...(+" + (word.length() - max) + " chars)";
  }

  /**
   * GNU echo reads leading -n/-e/-E (and a lone --help/--version) as options, harmlessly; its
   * output then differs.
   */
  private static boolean echoOption(List<String> words) {
    return !words.isEmpty()
        && (words.getFirst().matches("-[neE]+")
            || (words.size() == 1
                && (words.getFirst().equals("--help") || words.getFirst().equals("--version"))));
  }

  private List<String> payloads() {
    String c = canary.toString();
    List<String> p =
        new ArrayList<>(
            List.of(
                "; " + c,
                ";" + c,
                "| " + c,
                "|" + c,
                "&& " + c,
                "|| " + c,
                "& " + c,
                "$(" + c + ")",
                "`" + c + "`",
                "$(id)",
                "`id`",
                "${IFS}" + c,
                "$HOME",
                "$((1+1))",
                "<(" + c + ")",
                "> /tmp/rcx-injected",
                "< /etc/shadow",
                "2>&1",
                "*",
                "/*",
                "?",
                "[a-z]*",
                "{a,b}",
                "~",
                "~root",
                "#comment",
                "!!",
                "a\\;" + c,
                "'",
                "\"",
                "\\",
                "x\n" + c,
                "x\r" + c,
                "x\u0000" + c,
                "\u001b]0;title\u0007",
                "\u202e" + c,
                "\uff1b" + c,
                "%0a" + c,
                "../../../../etc/shadow",
                "/etc/../etc/shadow",
                "..",
                "./..",
                "../",
                "/etc/shadow",
                c,
                "-",
                "--",
                "--help",
                "--version",
                "-n",
                "-e \\x41",
                "-la",
                "-rf /",
                "--files0-from=/etc/shadow",
                "-f/etc/shadow",
                "--format=%n",
                "",
                " ",
                "a b",
                "'a' \"b\"",
                "\\$(id)",
                "\"$(" + c + ")\""));
    p.add("a".repeat(60_000));
    return p;
  }

  /** The words the server's splitter makes of {@code payload}, or null if it refuses the line. */
  private static List<String> splitOrNull(String payload) {
    try {
      List<String> words = CommandWords.split("x " + payload);
      return words.subList(1, words.size());
    } catch (CommandSyntaxException e) {
      return null;
    }
  }

  /** POSIX single quoting: the rcx splitter then passes the payload as one literal word. */
  private static String quote(String payload) {
    return "'" + payload.replace("'", "'\"'\"'") + "'";
  }

  private static String abbreviate(String s) {
    String shown = s.replace("\n", "\\n").replace("\r", "\\r").replace("\u0000", "\\0");
    return shown.length() <= 120 ? shown : shown.substring(0, 120) + "...";
  }
}
