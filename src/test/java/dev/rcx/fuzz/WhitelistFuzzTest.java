package dev.rcx.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rcx.exec.CommandRule;
import dev.rcx.exec.CommandSyntaxException;
import dev.rcx.exec.CommandWords;
import dev.rcx.exec.Decision;
import dev.rcx.exec.Whitelist;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties of {@link Whitelist#check} over the built-in whitelist: it never throws; an allowed
 * argv is the rule's absolute executable, its fixed arguments, then the caller's extra words, each
 * of which fully matches one of the rule's patterns and has no control character and (unless the
 * rule allows it) no {@code ..} path segment; a refusal's message is printable and short enough to
 * log.
 */
class WhitelistFuzzTest {
  private static final Whitelist WHITELIST = Whitelist.defaults();
  private static final List<String> NAMES =
      WHITELIST.rules().stream().map(CommandRule::name).toList();
  private static final int MAX_MESSAGE = 1024;

  @FuzzTest(maxDuration = "5m")
  @DictionaryEntries({
    "..", "../", "/..", "-", "--", "-l", "/", "+%", "ls", "echo", "date", "df", "id"
  })
  void check_anyWords_neverThrowsAndAllowsOnlyMatchingArgs(FuzzedDataProvider data) {
    String user = data.consumeString(80);
    Set<String> roles = new HashSet<>();
    for (int i = data.consumeInt(0, 3); i > 0; i--) {
      roles.add(data.consumeString(16));
    }
    List<String> words = new ArrayList<>();
    // Mostly start with a real command name so the fuzzer spends its time on the argument checks.
    if (!NAMES.isEmpty() && data.consumeBoolean()) {
      words.add(data.pickValue(NAMES));
    }
    for (int i = data.consumeInt(0, 12); i > 0; i--) {
      words.add(data.consumeString(100));
    }
    checkDecision(user, roles, words);
  }

  @FuzzTest(maxDuration = "5m")
  @DictionaryEntries({
    "..", "../", "/..", " -", "--", "'", "\"", "\\", "ls ", "echo ", "date ", "df ", "id ", "uname "
  })
  void splitThenCheck_anyLine_neverThrowsAndAllowsOnlyMatchingArgs(FuzzedDataProvider data) {
    splitThenCheck(data.consumeRemainingAsString());
  }

  /**
   * Hand-picked lines that every build checks against the same properties, besides the stored fuzz
   * inputs.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "ls -la /tmp",
        "ls ../etc",
        "ls /tmp/../etc",
        "ls -- -rf",
        "ls --color=always",
        "echo '$(id)' '../x' '-n'",
        "date +%s",
        "date -s 2020-01-01",
        "df -h /",
        "id -u root",
        "uname -a",
        "whoami extra",
        "nosuchcommand",
      })
  void splitThenCheck_knownLines_allowsOnlyMatchingArgs(String line) {
    splitThenCheck(line);
  }

  private static void splitThenCheck(String line) {
    List<String> words;
    try {
      words = CommandWords.split(line);
    } catch (CommandSyntaxException e) {
      return;
    }
    checkDecision("alice", Set.of(), words);
  }

  private static void checkDecision(String user, Set<String> roles, List<String> words) {
    Decision decision = WHITELIST.check(user, roles, words);
    switch (decision) {
      case Decision.Allowed a -> checkAllowed(a, user, roles, words);
      case Decision.Denied d -> {
        assertThat(d.reason()).isNotNull();
        assertThat(d.message()).hasSizeLessThanOrEqualTo(MAX_MESSAGE);
        assertThat(controlChar(d.message()))
            .as("control character in %s", d.message())
            .isEqualTo(-1);
      }
    }
  }

  private static void checkAllowed(
      Decision.Allowed a, String user, Set<String> roles, List<String> words) {
    CommandRule rule = a.rule();
    assertThat(WHITELIST.rule(words.getFirst())).contains(rule);
    assertThat(rule.permits(user, roles)).isTrue();
    List<String> argv = a.argv();
    List<String> extra = words.subList(1, words.size());
    assertThat(rule.executable().isAbsolute()).isTrue();
    assertThat(argv.getFirst()).isEqualTo(rule.executable().toString());
    assertThat(argv.subList(1, 1 + rule.fixedArgs().size())).isEqualTo(rule.fixedArgs());
    assertThat(argv.subList(1 + rule.fixedArgs().size(), argv.size())).isEqualTo(extra);
    assertThat(extra.size()).isLessThanOrEqualTo(rule.maxArgs());
    for (String word : extra) {
      assertThat(controlChar(word)).as("control character in %s", word).isEqualTo(-1);
      assertThat(rule.allowDotDot() || !hasDotDotSegment(word))
          .as("'..' segment in %s", word)
          .isTrue();
      assertThat(rule.argPatterns().stream().anyMatch(p -> fullMatch(p, word)))
          .as("%s matches none of %s", word, rule.argPatterns())
          .isTrue();
    }
  }

  private static boolean fullMatch(Pattern p, String word) {
    return p.matcher(word).matches();
  }

  private static boolean hasDotDotSegment(String word) {
    return ("/" + word + "/").contains("/../");
  }

  private static int controlChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return i;
      }
    }
    return -1;
  }
}
