package dev.rcx.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A PrintWriter over a byte stream that also takes raw bytes, so a remote command's output reaches
 * this process's stdout or stderr exactly as the command wrote it. Text printed before the bytes is
 * flushed first, so both keep their order. {@link #writeBytes(PrintWriter, byte[])} falls back to
 * UTF-8 text for other writers (in-process tests).
 */
final class BytePrintWriter extends PrintWriter {
  private final OutputStream stream;

  BytePrintWriter(OutputStream stream, Charset charset) {
    super(new OutputStreamWriter(stream, charset), /* autoFlush= */ true);
    this.stream = stream;
  }

  /** Writes {@code bytes} exactly (on a BytePrintWriter), or as UTF-8 text, then flushes. */
  static void writeBytes(PrintWriter writer, byte[] bytes) {
    if (writer instanceof BytePrintWriter raw) {
      raw.flush();
      try {
        raw.stream.write(bytes);
        raw.stream.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the command's output", e);
      }
    } else {
      writer.print(new String(bytes, StandardCharsets.UTF_8));
      writer.flush();
    }
  }
}
