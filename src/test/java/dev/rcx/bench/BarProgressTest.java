package dev.rcx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The bench progress bar runs on the jline the shell pins (progressbar was built against jline 3):
 * a NoSuchMethodError or NoClassDefFoundError here means the versions are mixed.
 */
class BarProgressTest {
  @Test
  void barProgress_onPinnedJline_drawsAndCloses() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    BarProgress p = new BarProgress(err, 2_000);
    p.update(1_000, "session TLS 5 clients");
    p.close();
    String drawn = bytes.toString(StandardCharsets.UTF_8);
    assertThat(drawn).contains("rcx bench").contains("100%");
    assertThat(
            org.jline.terminal.Terminal.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toString())
        .contains("4.6.0");
  }
}
