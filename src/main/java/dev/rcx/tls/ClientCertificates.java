package dev.rcx.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Maps a verified client certificate (mutual TLS) to an rcx username. */
public final class ClientCertificates {
  private static final int RFC822_NAME = 1;
  private static final int MAX_USERNAME_LENGTH = 256;

  private ClientCertificates() {}

  /**
   * Returns the username of the client certificate the peer presented in {@code session}, if any.
   *
   * <p>The rule: take the leaf certificate's subject common name (CN) when the subject has exactly
   * one CN; when it has none, take the certificate's first e-mail subject alternative name
   * (rfc822Name) in full, such as {@code alice@example.com}. The value is returned as written, case
   * preserved. Empty when the peer sent no certificate, when the subject has several CNs
   * (ambiguous), or when the chosen value is blank, longer than 256 characters or contains control
   * characters.
   *
   * <p>The session must come from a context built by {@link ServerTls#context}: JSSE exposes a peer
   * certificate only after it verified against the configured client CAs, so the name is as
   * trustworthy as those CAs.
   */
  public static Optional<String> username(SSLSession session) {
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    return username(leaf);
  }

  static Optional<String> username(X509Certificate leaf) {
    List<String> commonNames = commonNames(leaf);
    if (commonNames.size() > 1) {
      return Optional.empty();
    }
    Optional<String> name =
        commonNames.isEmpty() ? firstEmail(leaf) : Optional.of(commonNames.getFirst());
    return name.filter(ClientCertificates::isAcceptable);
  }

  private static List<String> commonNames(X509Certificate leaf) {
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    return Arrays.stream(subject.getRDNs())
        .flatMap(rdn -> Arrays.stream(rdn.getTypesAndValues()))
        .filter(atv -> atv.getType().equals(BCStyle.CN))
        .map(
            atv ->
                atv.getValue() instanceof ASN1String s ? s.getString() : atv.getValue().toString())
        .toList();
  }

  private static Optional<String> firstEmail(X509Certificate leaf) {
    try {
      Collection<List<?>> names = leaf.getSubjectAlternativeNames();
      if (names == null) {
        return Optional.empty();
      }
      return names.stream()
          .filter(entry -> entry.size() >= 2 && Integer.valueOf(RFC822_NAME).equals(entry.get(0)))
          .map(entry -> String.valueOf(entry.get(1)))
          .findFirst();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
  }

  private static boolean isAcceptable(String name) {
    return !name.isBlank()
        && name.length() <= MAX_USERNAME_LENGTH
        && name.codePoints().noneMatch(Character::isISOControl);
  }
}
