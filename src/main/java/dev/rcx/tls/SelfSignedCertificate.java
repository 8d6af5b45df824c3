package dev.rcx.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.SequencedSet;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Generates the server's self-signed ECDSA P-256 certificate used when the operator brings none.
 */
final class SelfSignedCertificate {
  static final String COMMON_NAME = "rcx";
  static final List<String> DEFAULT_NAMES = List.of("localhost", "127.0.0.1");

  /** The longest validity browsers and Apple accept for a TLS server certificate. */
  static final Duration VALIDITY = Duration.ofDays(825);

  /** Back-dating tolerates clients whose clocks run a little behind the server's. */
  static final Duration BACKDATE = Duration.ofHours(1);

  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private SelfSignedCertificate() {}

  /**
   * Creates a key pair and a certificate for {@code CN=rcx} valid for {@link #DEFAULT_NAMES} plus
   * {@code extraNames}.
   */
  static KeyMaterial generate(List<String> extraNames, Instant now, SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair pair = generator.generateKeyPair();
      return new KeyMaterial(pair.getPrivate(), List.of(certify(pair, extraNames, now, random)));
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot generate a self-signed ECDSA P-256 certificate", e);
    }
  }

  /** Issues a new self-signed certificate for an existing key pair. */
  static X509Certificate certify(
      KeyPair pair, List<String> extraNames, Instant now, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, CertIOException {
    X500Name name = new X500Name("CN=" + COMMON_NAME);
    // RFC 5280 allows at most 20 octets; 159 random bits stay positive and below that.
    BigInteger serial = new BigInteger(159, random).setBit(0);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            serial,
            Date.from(now.minus(BACKDATE)),
            Date.from(now.plus(VALIDITY)),
            name,
            pair.getPublic());
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder
        .addExtension(
            Extension.basicConstraints, /* isCritical= */ true, new BasicConstraints(false))
        .addExtension(
            Extension.keyUsage, /* isCritical= */ true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(
            Extension.extendedKeyUsage,
            /* isCritical= */ false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(
            Extension.subjectAlternativeName, /* isCritical= */ false, subjectAltNames(extraNames))
        .addExtension(
            Extension.subjectKeyIdentifier,
            /* isCritical= */ false,
            extensions.createSubjectKeyIdentifier(pair.getPublic()))
        .addExtension(
            Extension.authorityKeyIdentifier,
            /* isCritical= */ false,
            extensions.createAuthorityKeyIdentifier(pair.getPublic()));
    var signer =
        new JcaContentSignerBuilder("SHA256withECDSA")
            .setSecureRandom(random)
            .build(pair.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  /**
   * Parses names such as {@code example.com}, {@code DNS:example.com}, {@code 10.0.0.5}, {@code
   * IP:::1}: an IP literal becomes an IP address entry, anything else must be a DNS name (a leading
   * {@code *.} is allowed).
   */
  static GeneralNames subjectAltNames(List<String> extraNames) {
    return new GeneralNames(
        names(extraNames).stream()
            .map(SelfSignedCertificate::generalName)
            .toArray(GeneralName[]::new));
  }

  /** {@link #DEFAULT_NAMES} and then {@code extraNames}, canonical and without duplicates. */
  static SequencedSet<String> names(List<String> extraNames) {
    SequencedSet<String> names = new LinkedHashSet<>(DEFAULT_NAMES);
    for (String raw : extraNames) {
      names.add(canonical(raw));
    }
    return names;
  }

  /**
   * A name as the certificate holds it: no {@code DNS:}/{@code IP:} prefix, lower case, IP
   * addresses in the JDK's textual form (so {@code ::1} and {@code 0:0:0:0:0:0:0:1} compare equal).
   */
  static String canonical(String raw) {
    String name = stripTypePrefix(raw.strip()).toLowerCase(Locale.ROOT);
    int scope = name.indexOf('%');
    if (scope > 0 && IPAddress.isValidIPv6(name.substring(0, scope))) {
      name = name.substring(0, scope); // an interface's scope is no part of a certificate name
    }
    if (IPAddress.isValid(name)) {
      try {
        return java.net.InetAddress.getByName(name).getHostAddress();
      } catch (java.net.UnknownHostException e) {
        return name; // an IP literal needs no lookup; cannot happen
      }
    }
    return name;
  }

  /** Whether {@code raw} can be a subject alternative name (an IP literal or a DNS name). */
  static boolean isValidName(String raw) {
    try {
      generalName(canonical(raw));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static GeneralName generalName(String name) {
    if (IPAddress.isValid(name)) {
      return new GeneralName(GeneralName.iPAddress, name);
    }
    if (!DNS_NAME.matcher(name).matches() || name.length() > 253) {
      throw new IllegalArgumentException(
          "subject alternative name must be an IP address or a DNS name (letters, digits, '-',"
              + " '.'), but was '"
              + name
              + "'");
    }
    return new GeneralName(GeneralName.dNSName, name);
  }

  private static String stripTypePrefix(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.startsWith("dns:")) {
      return name.substring(4);
    }
    if (lower.startsWith("ip:")) {
      return name.substring(3);
    }
    return name;
  }
}
