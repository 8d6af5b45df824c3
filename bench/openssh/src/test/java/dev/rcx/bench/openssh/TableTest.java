package dev.rcx.bench.openssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void markdown_labelsLeftNumbersRight_pipeInACellEscaped() {
    Table t = new Table(List.of("mode", "cmd/s"), List.of(List.of("a|b", "12")), 1);

    assertThat(t.markdown()).isEqualTo("| mode | cmd/s |\n|---|---:|\n| a\\|b | 12 |\n");
  }

  @Test
  void text_labelsPaddedRight_numbersPaddedLeft() {
    Table t =
        new Table(List.of("mode", "n"), List.of(List.of("x", "100"), List.of("long", "5")), 1);

    assertThat(t.text()).isEqualTo("mode    n\nx     100\nlong    5\n");
  }

  @Test
  void constructor_rowOfTheWrongWidth_isRejectedNamingBothSizes() {
    assertThatThrownBy(() -> new Table(List.of("a", "b"), List.of(List.of("1")), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 cells")
        .hasMessageContaining("2");
  }
}
