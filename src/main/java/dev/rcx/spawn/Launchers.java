package dev.rcx.spawn;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind {@link Launcher#configured()}: picks the launcher named by the system property {@value
 * #PROPERTY}: {@code auto} (the default), {@code native} or {@code jdk}.
 *
 * <p>{@code auto} takes the native launcher when it works here (Linux on amd64/aarch64, glibc
 * 2.34+, JDK 22+) and this code may call native functions without the JDK printing a warning
 * ({@code --enable-native-access=ALL-UNNAMED} or the jar manifest's {@code Enable-Native-Access:
 * ALL-UNNAMED}); otherwise the JDK launcher. {@code native} insists on the native launcher even if
 * the JDK then warns, and still falls back, with a warning, where it cannot work. Launchers are
 * created once per JVM: the native one owns a thread.
 */
final class Launchers {
  static final String PROPERTY = "rcx.exec.launcher";
  private static final Logger LOG = LoggerFactory.getLogger(Launchers.class);

  private static @Nullable Launcher configured;
  private static @Nullable Launcher nativeLauncher;
  private static @Nullable String nativeUnsupported;

  private Launchers() {}

  /** The launcher {@value #PROPERTY} asks for, created on first use. */
  static synchronized Launcher configured() {
    if (configured == null) {
      configured = choose(System.getProperty(PROPERTY, "auto"));
      LOG.info("commands are started by the {} launcher", configured.name());
    }
    return configured;
  }

  /** The native launcher, created on first use. */
  static synchronized Launcher nativeLauncher() {
    if (nativeLauncher == null) {
      if (nativeUnsupported != null) {
        throw new UnsupportedOperationException(nativeUnsupported);
      }
      try {
        nativeLauncher = NativeLauncher.create(Launcher.ENVIRONMENT);
      } catch (RuntimeException e) {
        // Whatever went wrong binding or probing the C library, the answer is the same: not here.
        nativeUnsupported = String.valueOf(e.getMessage());
        throw e instanceof UnsupportedOperationException u
            ? u
            : new UnsupportedOperationException(e.getMessage(), e);
      }
    }
    return nativeLauncher;
  }

  static Launcher jdk() {
    return new JdkLauncher(Launcher.ENVIRONMENT);
  }

  static Launcher choose(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "jdk" -> jdk();
      case "native" -> nativeOrJdk(/* insist= */ true);
      case "auto", "" -> nativeOrJdk(/* insist= */ false);
      default ->
          throw new IllegalArgumentException(
              PROPERTY + " must be one of auto, native, jdk; was '" + value + "'");
    };
  }

  private static Launcher nativeOrJdk(boolean insist) {
    if (!insist && !Ffi.nativeAccessEnabled()) {
      LOG.info(
          "not using the native launcher: native access is not enabled (--enable-native-access=ALL-UNNAMED)");
      return jdk();
    }
    try {
      return nativeLauncher();
    } catch (UnsupportedOperationException e) {
      if (insist) {
        LOG.warn(
            "{}=native, but the native launcher cannot run here ({}); using the JDK's",
            PROPERTY,
            e.getMessage());
      } else {
        LOG.info("not using the native launcher: {}", e.getMessage());
      }
      return jdk();
    }
  }
}
