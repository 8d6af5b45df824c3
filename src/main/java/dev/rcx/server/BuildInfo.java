package dev.rcx.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git commit this build was made from, read from {@code dev/rcx/build.properties},
 * which the build writes (see pom.xml: {@code git describe --always --dirty}, or {@code unknown}
 * outside a git checkout).
 *
 * @param version the project version, or {@code dev} when run from classes without the file
 * @param commit the abbreviated commit (with {@code -dirty} if the tree had changes), or {@code
 *     unknown}
 */
public record BuildInfo(String version, String commit) {
  private static final BuildInfo CURRENT = read();

  /** This build's information. */
  public static BuildInfo current() {
    return CURRENT;
  }

  /** {@code 0.1.0 (commit 04681cb1a2b3)}. */
  @Override
  public String toString() {
    return version + " (commit " + commit + ")";
  }

  private static BuildInfo read() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/rcx/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Fall through to the defaults: version information is never worth failing for.
    }
    String version = p.getProperty("version");
    if (version == null || version.isBlank() || version.startsWith("${")) {
      String manifest = BuildInfo.class.getPackage().getImplementationVersion();
      version = manifest == null ? "dev" : manifest;
    }
    String commit = p.getProperty("commit", "unknown");
    return new BuildInfo(version, commit.isBlank() ? "unknown" : commit);
  }
}
