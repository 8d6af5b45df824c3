package dev.rcx.tls;

import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and appends to a known-hosts file; the format is documented on {@link
 * ClientTrust.KnownHosts}.
 */
final class KnownHostsFile {
  static final String HEADER =
      "# rcx known hosts: host:port SHA-256 fingerprint of the server certificate\n";

  /** One recorded server; {@code line} is 1-based. */
  record Entry(int line, String hostPort, String fingerprint) {}

  private KnownHostsFile() {}

  /** Returns the entries for {@code hostPort}, in file order; none if the file does not exist. */
  static List<Entry> lookup(Path file, String hostPort) throws IOException {
    List<Entry> matches = new ArrayList<>();
    for (Entry entry : read(file)) {
      if (entry.hostPort().equalsIgnoreCase(hostPort)) {
        matches.add(entry);
      }
    }
    return matches;
  }

  /**
   * Appends one entry by atomically replacing the file, keeping its permissions (600 for a new
   * file).
   */
  static void append(Path file, String hostPort, String fingerprint) throws IOException {
    String existing;
    Set<PosixFilePermission> permissions;
    try {
      existing = Files.readString(file, StandardCharsets.UTF_8);
      permissions = Files.getPosixFilePermissions(file);
    } catch (NoSuchFileException e) {
      existing = HEADER;
      permissions = AtomicFiles.OWNER_ONLY;
    }
    StringBuilder content = new StringBuilder(existing);
    if (!existing.isEmpty() && !existing.endsWith("\n")) {
      content.append('\n');
    }
    content.append(hostPort).append(' ').append(fingerprint).append('\n');
    AtomicFiles.replace(file, content.toString().getBytes(StandardCharsets.UTF_8), permissions);
  }

  static List<Entry> read(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        entries.add(parse(file, i + 1, line));
      }
    }
    return entries;
  }

  private static Entry parse(Path file, int lineNumber, String line) throws IOException {
    String[] fields = line.split("\\s+", 0);
    if (fields.length != 2) {
      throw new IOException(
          "known hosts file "
              + file
              + " line "
              + lineNumber
              + ": expected 'host:port SHA256-FINGERPRINT', but was '"
              + line
              + "'");
    }
    try {
      return new Entry(lineNumber, fields[0], Fingerprints.normalize(fields[1]));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "known hosts file " + file + " line " + lineNumber + ": " + e.getMessage(), e);
    }
  }
}
