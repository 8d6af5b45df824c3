package dev.rcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
  private final List<String> lines = new ArrayList<>();

  private void feed(LineSplitter s, String text) {
    s.feed(text.getBytes(StandardCharsets.UTF_8), this::add);
  }

  private void add(byte[] line) {
    lines.add(new String(line, StandardCharsets.UTF_8));
  }

  @Test
  void feed_linesSplitAcrossPieces_eachCompleteLineOnceWhenItsNewlineArrives() {
    LineSplitter s = new LineSplitter();
    feed(s, "fir");
    assertThat(lines).isEmpty();
    feed(s, "st\nsec");
    assertThat(lines).containsExactly("first");
    feed(s, "ond\n\nthird\nfour");
    assertThat(lines).containsExactly("first", "second", "", "third");
    s.finish(this::add);
    assertThat(lines).containsExactly("first", "second", "", "third", "four");
  }

  @Test
  void finish_nothingPending_emitsNothing() {
    LineSplitter s = new LineSplitter();
    feed(s, "a\n");
    s.finish(this::add);
    assertThat(lines).containsExactly("a");
  }

  @Test
  void feed_lineLongerThanTheLimit_cutIntoPiecesBetweenCharacters() {
    LineSplitter s = new LineSplitter(8);
    // "abcdefg" + "é" (2 bytes) would end the first 8-byte piece in the middle of the é.
    feed(s, "abcdefgé");
    feed(s, "xyz\n");
    assertThat(lines).containsExactly("abcdefg", "éxyz");
    assertThat(String.join("", lines)).isEqualTo("abcdefgéxyz");
  }

  @Test
  void feed_noNewlinesAtAll_heldBytesStayBounded() {
    LineSplitter s = new LineSplitter(LineSplitter.MAX_LINE);
    byte[] piece = new byte[10_000];
    java.util.Arrays.fill(piece, (byte) 'x');
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      s.feed(piece, l -> sizes.add(l.length));
    }
    s.finish(l -> sizes.add(l.length));
    assertThat(sizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(LineSplitter.MAX_LINE));
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1_000_000);
  }

  @Test
  void characterBoundary_incompleteTrailingCharacterLeftOut() {
    assertThat(LineSplitter.characterBoundary("ab".getBytes(StandardCharsets.UTF_8))).isEqualTo(2);
    byte[] euro = "a€".getBytes(StandardCharsets.UTF_8); // € is 3 bytes
    assertThat(LineSplitter.characterBoundary(euro)).isEqualTo(4);
    assertThat(LineSplitter.characterBoundary(java.util.Arrays.copyOf(euro, 3))).isEqualTo(1);
    assertThat(LineSplitter.characterBoundary(java.util.Arrays.copyOf(euro, 2))).isEqualTo(1);
    assertThat(LineSplitter.characterBoundary(new byte[] {'a', (byte) 0xff})).isEqualTo(2);
  }
}
