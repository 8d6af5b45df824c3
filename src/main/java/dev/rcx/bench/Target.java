package dev.rcx.bench;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A system the load generator can drive: rcx over TLS ({@link RcxTarget}), rcx in plaintext, the
 * local spawn floor, or, in a separate module, an SSH server. A target hands out one {@link Driver}
 * per simulated client.
 */
public interface Target {
  /**
   * Short label for results and charts, such as {@code tls}, {@code plaintext}, {@code spawn} or
   * {@code openssh}.
   */
  String transport();

  /**
   * Creates the driver of simulated client {@code client} (0-based). Each driver is used by one
   * load thread only, so it may keep per-client state such as a TLS session cache or a session
   * token.
   */
  Driver newDriver(int client) throws IOException;

  /**
   * The server's own process, when it runs apart from the load generator on this machine, so its
   * CPU and memory can be read; null otherwise (a remote server, one in this JVM, the floor).
   */
  default @Nullable ServerProbe server() {
    return null;
  }
}
