package dev.rcx.auth;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The users file exists but cannot be used: not JSON, wrong structure, an invalid name or password
 * hash, a duplicate user. rcx never overwrites such a file; a person must fix or restore it. The
 * message names the file and the problem, never a password hash.
 */
final class CorruptUserFileException extends IOException {
  private final Path file;
  private final String problem;

  CorruptUserFileException(Path file, String problem) {
    super(
        "users file "
            + file
            + " is unusable: "
            + problem
            + " (fix or restore it by hand; rcx will not overwrite it)");
    this.file = file;
    this.problem = problem;
  }

  /** What is wrong with the file, without the file's name. */
  String problem() {
    return problem;
  }

  /** The file that could not be read. */
  Path file() {
    return file;
  }
}
