package dev.rcx.tls;

import java.nio.file.Path;
import java.util.Objects;

/** How a client decides that it is talking to the right server. */
public sealed interface ClientTrust {
  /**
   * Trust servers whose certificate chains to a certificate in {@code pemFile} (a CA, or the
   * server's own self-signed certificate such as its {@code server.crt}) and whose certificate
   * names the host connected to.
   */
  record TrustCertificates(Path pemFile) implements ClientTrust {
    public TrustCertificates {
      Objects.requireNonNull(pemFile, "pemFile");
    }
  }

  /**
   * Trust exactly the server certificate with this SHA-256 fingerprint, whatever its names and
   * dates. Accepts any form {@link Fingerprints#normalize} accepts and stores the normalized form.
   */
  record PinnedFingerprint(String sha256) implements ClientTrust {
    public PinnedFingerprint {
      sha256 = Fingerprints.normalize(sha256);
    }
  }

  /**
   * Trust on first use, like ssh: a server whose fingerprint {@code file} records for {@code
   * hostPort} is trusted; an unknown one is trusted and recorded if {@code prompt} accepts it; a
   * server whose recorded fingerprint differs is refused with {@link
   * ServerIdentityChangedException}.
   *
   * <p>File format: UTF-8, one server per line, {@code host:port FINGERPRINT} separated by
   * whitespace, where the fingerprint is written as {@link Fingerprints#sha256} formats it (any
   * form {@link Fingerprints#normalize} accepts is read); blank lines and lines starting with
   * {@code #} are ignored; {@code host:port} compares case-insensitively. A missing file counts as
   * empty and is created (mode 600) on the first recorded server.
   */
  record KnownHosts(Path file, String hostPort, HostPrompt prompt) implements ClientTrust {
    public KnownHosts {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(prompt, "prompt");
      if (hostPort.isBlank()
          || hostPort.chars().anyMatch(Character::isWhitespace)
          || hostPort.startsWith("#")) {
        throw new IllegalArgumentException(
            "known-hosts key must be non-empty, without whitespace and not start with '#', but was"
                + " '"
                + hostPort
                + "'");
      }
    }
  }

  /**
   * Trust any server: no protection against an active attacker. Only for an explicit opt-out by the
   * user.
   */
  record Insecure() implements ClientTrust {}
}
