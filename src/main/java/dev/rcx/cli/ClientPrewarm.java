package dev.rcx.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Starts, on a second thread, the one-time JDK set-up a client run that connects will need, while
 * the main thread builds the command line: the TLS context classes, Jackson, and the table of P-256
 * generator multiples the JDK computes on its first ECDSA check (the server's CertificateVerify).
 * In a cold JVM these cost ~120 ms of CPU on the main thread, a fifth of a one-shot {@code rcx
 * exec}; on a machine with two cores or more they now overlap picocli's reflection. The work is
 * pure computation on public JDK APIs: no file, key or network is touched, and a failure here only
 * means the main thread pays the cost itself.
 */
final class ClientPrewarm {
  /** The subcommands that open a TLS connection as their first real work. */
  private static final Set<String> CONNECTING =
      Set.of("exec", "login", "logout", "shell", "status");

  private ClientPrewarm() {}

  /**
   * Starts the warm-up, a daemon thread, when {@code args} run a connecting subcommand on a machine
   * with two cores or more (on one core it would only take turns with the main thread).
   */
  static Optional<Thread> startFor(String[] args) {
    if (args.length == 0
        || !CONNECTING.contains(args[0])
        || Runtime.getRuntime().availableProcessors() < 2) {
      return Optional.empty();
    }
    return Optional.of(Thread.ofPlatform().daemon().name("rcx-prewarm").start(ClientPrewarm::warm));
  }

  /** Does the set-up; false if the JDK refused part of it. */
  static boolean warm() {
    try {
      SSLContext.getInstance("TLS");
      new ObjectMapper();
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp256r1"));
      ec.generateKeyPair();
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      // Nothing to report: the main thread does the same set-up and names any real failure.
      return false;
    }
  }
}
