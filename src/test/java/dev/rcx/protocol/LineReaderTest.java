package dev.rcx.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static LineReader reader(String s, int max) {
    return new LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), max);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void readLine_severalLines_returnsEachWithoutTerminator() throws IOException {
    LineReader r = reader("one\ntwo\r\n\nthree\n", 64);
    assertThat(text(r.readLine())).isEqualTo("one");
    assertThat(text(r.readLine())).isEqualTo("two");
    assertThat(text(r.readLine())).isEmpty();
    assertThat(text(r.readLine())).isEqualTo("three");
    assertThat(r.readLine()).isNull();
  }

  @Test
  void readLine_exactlyAtLimit_isAccepted() throws IOException {
    String line = "x".repeat(64);
    assertThat(text(reader(line + "\r\n", 64).readLine())).isEqualTo(line);
  }

  @Test
  void readLine_overLimit_throwsWithoutBufferingTheRest() {
    // A stream that never ends: the reader must stop at the limit, not wait for a newline.
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 'a';
          }
        };
    LineReader r = new LineReader(endless, 1024);
    assertThatThrownBy(r::readLine)
        .isInstanceOf(LineTooLongException.class)
        .hasMessageContaining("1024");
  }

  @Test
  void readLine_onePastLimitThenNewline_throws() {
    assertThatThrownBy(() -> reader("x".repeat(65) + "\n", 64).readLine())
        .isInstanceOf(LineTooLongException.class);
  }

  @Test
  void readLine_streamEndsMidLine_throwsEof() throws IOException {
    LineReader r = reader("done\npartial", 64);
    assertThat(text(r.readLine())).isEqualTo("done");
    assertThatThrownBy(r::readLine)
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("middle of a line");
  }

  @Test
  void lineStartedNanos_partialLine_isSetUntilLineCompletes() throws Exception {
    java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
    java.io.PipedInputStream in = new java.io.PipedInputStream(feed, 1024);
    LineReader r = new LineReader(in, 64);
    assertThat(r.lineStartedNanos()).isZero();
    feed.write("par".getBytes(StandardCharsets.US_ASCII));
    feed.flush();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    r.readLine();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (r.lineStartedNanos() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(r.lineStartedNanos()).isNotZero();
    feed.write("tial\n".getBytes(StandardCharsets.US_ASCII));
    feed.flush();
    t.join(5000);
    assertThat(r.lineStartedNanos()).isZero();
  }

  @Test
  void lineStartedNanos_completeLinesStillBuffered_staysZero() throws Exception {
    // Both lines arrive in one read; while the caller holds back (back-pressure), the second is not
    // a slow line.
    LineReader r =
        new LineReader(
            new java.io.ByteArrayInputStream("one\ntwo\n".getBytes(StandardCharsets.US_ASCII)), 64);
    assertThat(r.readLine()).isEqualTo("one".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.lineStartedNanos()).isZero();
    assertThat(r.readLine()).isEqualTo("two".getBytes(StandardCharsets.US_ASCII));
    assertThat(r.lineStartedNanos()).isZero();
  }
}
