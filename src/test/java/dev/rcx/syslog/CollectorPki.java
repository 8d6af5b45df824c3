package dev.rcx.syslog;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
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
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A test CA and the certificates of a syslog collector and of rcx as its client, made with
 * BouncyCastle at test time and written as PEM files (PKCS#8 keys, which GnuTLS and OpenSSL read).
 */
record CollectorPki(
    Path ca, Path collectorCert, Path collectorKey, Path clientCert, Path clientKey) {
  private static final AtomicLong SERIAL = new AtomicLong(5000);

  /** Writes a CA, a collector certificate naming {@code names}, and a client certificate. */
  static CollectorPki create(Path dir, String... names) throws Exception {
    Files.createDirectories(dir);
    KeyPair caKeys = ec();
    X509Certificate ca = issue("rcx test syslog CA", caKeys, null, caKeys, Kind.CA, List.of());
    KeyPair collectorKeys = ec();
    X509Certificate collector =
        issue("collector", collectorKeys, ca, caKeys, Kind.SERVER, List.of(names));
    KeyPair clientKeys = ec();
    X509Certificate client = issue("rcx", clientKeys, ca, caKeys, Kind.CLIENT, List.of());
    return new CollectorPki(
        pem(dir.resolve("ca.pem"), ca),
        pem(dir.resolve("collector.pem"), collector),
        sec1(dir.resolve("collector.key"), collectorKeys),
        pem(dir.resolve("client.pem"), client),
        sec1(dir.resolve("client.key"), clientKeys));
  }

  /** A CA that signed nothing of this PKI (a collector certificate must not verify with it). */
  static Path otherCa(Path file) throws Exception {
    KeyPair keys = ec();
    return pem(file, issue("another CA", keys, null, keys, Kind.CA, List.of()));
  }

  private enum Kind {
    CA,
    SERVER,
    CLIENT
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate issue(
      String cn,
      KeyPair keys,
      X509Certificate issuer,
      KeyPair issuerKeys,
      Kind kind,
      List<String> names)
      throws Exception {
    X500Name subject = new X500Name("CN=" + cn);
    X500Name issuerName =
        issuer == null
            ? subject
            : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuerName,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(2))),
            subject,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(kind == Kind.CA));
    switch (kind) {
      case CA ->
          b.addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      case SERVER -> {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      }
      case CLIENT -> {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      }
    }
    if (!names.isEmpty()) {
      GeneralName[] general =
          names.stream()
              .map(
                  n ->
                      new GeneralName(
                          IPAddress.isValid(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
              .toArray(GeneralName[]::new);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(general));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  /**
   * Writes {@code BEGIN EC PRIVATE KEY} (SEC1) with the curve and public key, as {@code openssl ec}
   * does: GnuTLS cannot read the JDK's PKCS#8 encoding of an EC key.
   */
  private static Path sec1(Path file, KeyPair keys) throws IOException {
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
    return pem(file, new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
  }

  private static Path pem(Path file, Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    }
    Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
    return file;
  }
}
