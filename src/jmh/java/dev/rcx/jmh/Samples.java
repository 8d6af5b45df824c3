package dev.rcx.jmh;

import dev.rcx.audit.AuditEvent;
import dev.rcx.protocol.Request;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/** The messages one typical command exchanges, shared by the benchmarks so their numbers add up. */
final class Samples {
  /** Default {@code limits.max_line_bytes}. */
  static final int MAX_LINE_BYTES = 64 * 1024;

  /**
   * A 43-character token as SessionManager issues them (the value does not matter to the codec).
   */
  static final String TOKEN = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c";

  static final Request.Command COMMAND =
      new Request.Command(TOKEN, "ls -la /tmp", List.of(), "req-17");

  static final Response.CommandOutput OUTPUT =
      new Response.CommandOutput("success", "hi\n", "", 0, 2, false, false, "req-17");

  static final AuditEvent.CommandRun RUN =
      new AuditEvent.CommandRun(
          "127.0.0.1:50123",
          "alice",
          "ab12cd34ef56",
          "ls",
          List.of("/usr/bin/ls", "-la", "/tmp"),
          0,
          AuditEvent.CommandRun.COMPLETED,
          2,
          3,
          0,
          false);

  private Samples() {}

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete benchmark directory " + root, e);
    }
  }
}
