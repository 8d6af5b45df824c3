package dev.rcx.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Trust on first use against a known-hosts file.
 *
 * <p>Lookup, prompt and append run under one JVM-wide lock on purpose: parallel first connections
 * (a benchmark, a retry) must produce one question and one line, not several. The file is re-read
 * on every handshake, so edits made while a client runs take effect.
 */
final class KnownHostsTrustManager extends ServerTrustManager {
  private static final ReentrantLock LOCK = new ReentrantLock();

  private final Path file;
  private final String hostPort;
  private final HostPrompt prompt;

  KnownHostsTrustManager(ClientTrust.KnownHosts trust) {
    this.file = trust.file();
    this.hostPort = trust.hostPort();
    this.prompt = trust.prompt();
  }

  @Override
  void checkLeaf(X509Certificate leaf) throws CertificateException {
    String actual = Fingerprints.sha256(leaf);
    LOCK.lock();
    try {
      List<KnownHostsFile.Entry> known = lookup();
      if (known.stream().anyMatch(entry -> entry.fingerprint().equals(actual))) {
        return;
      }
      if (!known.isEmpty()) {
        KnownHostsFile.Entry first = known.getFirst();
        throw new ServerIdentityChangedException(
            hostPort, first.fingerprint(), actual, file, first.line());
      }
      if (!ask(actual)) {
        throw new CertificateException(
            "server "
                + hostPort
                + " with SHA-256 fingerprint "
                + actual
                + " was not accepted; nothing stored in "
                + file);
      }
      record(actual);
    } finally {
      LOCK.unlock();
    }
  }

  private List<KnownHostsFile.Entry> lookup() throws CertificateException {
    try {
      return KnownHostsFile.lookup(file, hostPort);
    } catch (IOException e) {
      throw new CertificateException(
          "cannot read known hosts file " + file + ": " + e.getMessage(), e);
    }
  }

  private boolean ask(String fingerprint) throws CertificateException {
    try {
      return prompt.accept(hostPort, fingerprint);
    } catch (RuntimeException e) {
      throw new CertificateException("asking whether to trust " + hostPort + " failed: " + e, e);
    }
  }

  private void record(String fingerprint) throws CertificateException {
    try {
      KnownHostsFile.append(file, hostPort, fingerprint);
    } catch (IOException e) {
      throw new CertificateException(
          "server "
              + hostPort
              + " was accepted but cannot be recorded in "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
