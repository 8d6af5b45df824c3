package dev.rcx.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every document a message, a help text or a document names exists: a user told to read
 * docs/CONFIGURATION.md must find it.
 */
class DocPathsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern DOC_PATH =
      Pattern.compile("(?<![\\w/.-])(docs/[\\w./-]+\\.(?:md|png|svg|csv|json))");
  private static final Pattern MD_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void docPathsNamedInCodeAndScripts_exist() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(ROOT.resolve("src/main"))) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    try (Stream<Path> s = Files.list(ROOT.resolve(".ci"))) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    files.add(ROOT.resolve("rcx"));
    files.add(ROOT.resolve("README.md"));
    List<String> missing = new ArrayList<>();
    int named = 0;
    for (Path f : files) {
      Matcher m = DOC_PATH.matcher(Files.readString(f));
      while (m.find()) {
        named++;
        if (!Files.exists(ROOT.resolve(m.group(1)))) {
          missing.add(ROOT.relativize(f) + " names " + m.group(1));
        }
      }
    }
    assertThat(named).as("the scan finds the references it checks").isGreaterThan(5);
    assertThat(missing).isEmpty();
  }

  @Test
  void relativeLinksInReadmeAndDocs_exist() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
    }
    List<String> missing = new ArrayList<>();
    int links = 0;
    for (Path doc : docs) {
      // Code (fenced blocks and `spans`) holds regexes like [.](a|b), not links.
      String text =
          Files.readString(doc).replaceAll("(?s)```.*?```", "").replaceAll("`[^`\n]*`", "");
      Matcher m = MD_LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.contains("://") || target.startsWith("#") || target.startsWith("mailto:")) {
          continue;
        }
        links++;
        String file = target.replaceFirst("#.*$", "");
        if (!Files.exists(doc.getParent().resolve(file))) {
          missing.add(ROOT.relativize(doc) + " links " + target);
        }
      }
    }
    assertThat(links).as("the scan finds the links it checks").isGreaterThan(5);
    assertThat(missing).isEmpty();
  }
}
