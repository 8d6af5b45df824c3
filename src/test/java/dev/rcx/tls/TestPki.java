package dev.rcx.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificates made at test time with BouncyCastle directly (independently of the production
 * generator), and PEM files written the ways operators write them. Public for the tests of other
 * packages that need a CA of their own (the syslog collector's).
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  enum Kind {
    CA,
    SERVER,
    CLIENT
  }

  /** A key pair with its certificate. */
  public record Issued(KeyPair keys, X509Certificate certificate) {
    KeyMaterial material(X509Certificate... intermediates) {
      List<X509Certificate> chain = new java.util.ArrayList<>(List.of(certificate));
      chain.addAll(List.of(intermediates));
      return new KeyMaterial(keys.getPrivate(), chain);
    }
  }

  private TestPki() {}

  static KeyPair ec() {
    return generate("EC", new ECGenParameterSpec("secp256r1"));
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ed25519() {
    return generate("Ed25519", null);
  }

  public static Issued ca(String cn) {
    KeyPair keys = ec();
    return new Issued(keys, issue(cn, keys, null, Kind.CA, List.of()));
  }

  static Issued selfSignedServer(KeyPair keys, String cn, String... names) {
    return new Issued(keys, issue(cn, keys, null, Kind.SERVER, List.of(names)));
  }

  public static Issued server(Issued issuer, String cn, String... names) {
    KeyPair keys = ec();
    return new Issued(keys, issue(cn, keys, issuer, Kind.SERVER, List.of(names)));
  }

  public static Issued client(Issued issuer, String cn) {
    KeyPair keys = ec();
    return new Issued(keys, issue(cn, keys, issuer, Kind.CLIENT, List.of()));
  }

  static Issued intermediate(Issued issuer, String cn) {
    KeyPair keys = ec();
    return new Issued(keys, issue(cn, keys, issuer, Kind.CA, List.of()));
  }

  /**
   * Issues a certificate; {@code issuer == null} means self-signed. {@code names} are DNS names or
   * IP literals.
   */
  static X509Certificate issue(
      String cn, KeyPair keys, Issued issuer, Kind kind, List<String> names) {
    try {
      X500Name subject = new X500Name("CN=" + cn);
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(30))),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(kind == Kind.CA));
      switch (kind) {
        case CA ->
            builder.addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        case SERVER -> {
          builder.addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
          builder.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        }
        case CLIENT -> {
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
          builder.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
      }
      if (!names.isEmpty()) {
        GeneralName[] generalNames =
            names.stream()
                .map(
                    n ->
                        new GeneralName(
                            IPAddress.isValid(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
                .toArray(GeneralName[]::new);
        builder.addExtension(
            Extension.subjectAlternativeName, false, new GeneralNames(generalNames));
      }
      String algorithm =
          switch (signingKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> "SHA256withECDSA";
          };
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue test certificate " + cn, e);
    }
  }

  /**
   * A self-signed client certificate with a free-form subject and optional e-mail alternative
   * names.
   */
  static X509Certificate withSubject(String subjectDn, String... emails) {
    try {
      KeyPair keys = ec();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=issuer"),
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              new X500Name(subjectDn),
              keys.getPublic());
      if (emails.length > 0) {
        GeneralName[] names =
            java.util.Arrays.stream(emails)
                .map(e -> new GeneralName(GeneralName.rfc822Name, e))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue test certificate " + subjectDn, e);
    }
  }

  public static Path writeCertificates(Path file, X509Certificate... certificates)
      throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    }
    Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
    return file;
  }

  /** Writes {@code BEGIN PRIVATE KEY} (PKCS#8). */
  static Path writePkcs8(Path file, PrivateKey key) throws IOException {
    return writePem(file, new JcaPKCS8Generator(key, null));
  }

  /** Writes OpenSSL's traditional {@code BEGIN RSA PRIVATE KEY} (PKCS#1). */
  static Path writeTraditionalRsa(Path file, KeyPair keys) throws IOException {
    return writePem(file, keys);
  }

  /**
   * Writes {@code BEGIN EC PRIVATE KEY} (SEC1) as {@code openssl ec} does: with the curve OID and
   * the public key. (BouncyCastle's own writer drops the curve for JDK keys, which no tool can read
   * back.)
   */
  public static Path writeTraditionalEc(Path file, KeyPair keys) throws IOException {
    ECPrivateKey key = (ECPrivateKey) keys.getPrivate();
    PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(key.getEncoded());
    ASN1ObjectIdentifier curve =
        ASN1ObjectIdentifier.getInstance(pkcs8.getPrivateKeyAlgorithm().getParameters());
    SubjectPublicKeyInfo publicKey =
        SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
    var sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            key.getParams().getOrder().bitLength(),
            key.getS(),
            publicKey.getPublicKeyData(),
            curve);
    return writePem(file, new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
  }

  private static Path writePem(Path file, Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
    return file;
  }

  private static KeyPair generate(
      String algorithm, java.security.spec.AlgorithmParameterSpec spec) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (spec != null) {
        generator.initialize(spec);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
