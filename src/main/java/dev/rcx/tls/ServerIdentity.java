package dev.rcx.tls;

import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the server's certificate and private key: the operator's own PEM files, or a self-signed
 * identity that is generated on first start and reused afterwards.
 */
public final class ServerIdentity {
  /** File name of the generated certificate (PEM) in the data directory. */
  public static final String CERT_FILE = "server.crt";

  /** File name of the generated private key (PKCS#8 PEM, mode 600) in the data directory. */
  public static final String KEY_FILE = "server.key";

  private static final Logger log = LoggerFactory.getLogger(ServerIdentity.class);
  private static final Set<PosixFilePermission> CERT_PERMISSIONS =
      PosixFilePermissions.fromString("rw-r--r--");

  private ServerIdentity() {}

  /**
   * Returns the identity stored in {@code dataDir}, generating it on first start.
   *
   * <p>The first call creates an ECDSA P-256 key and a self-signed certificate for {@code CN=rcx},
   * valid for about 825 days for {@code localhost}, {@code 127.0.0.1} and {@code subjectAltNames}
   * (DNS names or IP literals, optionally prefixed {@code DNS:} or {@code IP:}), and writes {@value
   * #KEY_FILE} then {@value #CERT_FILE} atomically. Later calls load those files and ignore {@code
   * subjectAltNames}; delete both files to generate a new identity (clients that pinned the old
   * fingerprint will then refuse the server).
   *
   * @throws IOException if the files cannot be read or written, or {@value #CERT_FILE} exists
   *     without its key
   * @throws IllegalArgumentException if a subject alternative name is neither an IP address nor a
   *     DNS name
   */
  public static KeyMaterial loadOrCreate(Path dataDir, String... subjectAltNames)
      throws IOException {
    return loadOrCreate(dataDir, List.of(subjectAltNames), Clock.systemUTC(), new SecureRandom());
  }

  /**
   * Like {@link #loadOrCreate(Path, String...)}; with {@code regenerate}, replaces an existing
   * generated identity by a new key and certificate for today's names (the fingerprint changes).
   * Regeneration deletes the certificate first, so a crash part-way leaves a key without a
   * certificate, which the next start replaces.
   */
  public static KeyMaterial loadOrCreate(
      Path dataDir, List<String> subjectAltNames, boolean regenerate) throws IOException {
    if (regenerate) {
      SelfSignedCertificate.subjectAltNames(subjectAltNames);
      Files.deleteIfExists(dataDir.resolve(CERT_FILE));
    }
    return loadOrCreate(dataDir, subjectAltNames, Clock.systemUTC(), new SecureRandom());
  }

  /**
   * The entries of {@code wanted} (DNS names or IP literals, optionally prefixed {@code DNS:} or
   * {@code IP:}) that {@code certificate}'s subject alternative names do not list exactly, in
   * order. A wildcard entry is not expanded: name it in {@code wanted} as written.
   */
  public static List<String> missingNames(X509Certificate certificate, List<String> wanted) {
    java.util.Set<String> present = new java.util.HashSet<>();
    try {
      var sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && san.get(1) instanceof String value) {
            present.add(SelfSignedCertificate.canonical(value));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      return List.copyOf(wanted);
    }
    return wanted.stream()
        .filter(name -> !present.contains(SelfSignedCertificate.canonical(name)))
        .toList();
  }

  /**
   * Whether {@code name} can go into a generated certificate: an IP literal, or a DNS name of
   * letters, digits, '-' and '.' (host names with '_' and the like cannot).
   */
  public static boolean isValidName(String name) {
    return SelfSignedCertificate.isValidName(name);
  }

  static KeyMaterial loadOrCreate(
      Path dataDir, List<String> subjectAltNames, Clock clock, SecureRandom random)
      throws IOException {
    // Reject a bad name on every start, not only on the first.
    SelfSignedCertificate.subjectAltNames(subjectAltNames);
    Path cert = dataDir.resolve(CERT_FILE);
    Path key = dataDir.resolve(KEY_FILE);
    boolean haveCert = Files.exists(cert);
    boolean haveKey = Files.exists(key);
    if (haveCert && haveKey) {
      warnIfReadableByOthers(key);
      return loadPem(cert, key);
    }
    if (haveCert) {
      throw new IOException(
          "server certificate "
              + cert
              + " exists but its private key "
              + key
              + " does not; restore the key, or delete the certificate to generate a new identity");
    }
    if (haveKey) {
      // The key is written before the certificate, so this is what a crash during the first
      // start leaves. No client can have seen a certificate for that key, so replacing it loses
      // no identity anyone trusts.
      log.warn(
          "server key {} has no certificate {}: replacing both with a new self-signed identity",
          key,
          cert);
    }
    KeyMaterial generated =
        SelfSignedCertificate.generate(subjectAltNames, clock.instant(), random);
    writeKey(key, generated.key());
    writeCertificate(cert, generated.leaf());
    log.info(
        "generated self-signed server certificate {} for {} with SHA-256 fingerprint {}",
        cert,
        SelfSignedCertificate.names(subjectAltNames),
        generated.fingerprint());
    return generated;
  }

  /**
   * Loads an operator's certificate chain and private key from PEM files.
   *
   * <p>{@code certFile} holds the leaf certificate followed by any intermediates, each certificate
   * issued by the next. {@code keyFile} holds one unencrypted private key: PKCS#8 ({@code BEGIN
   * PRIVATE KEY}; EC, RSA or Ed25519) or traditional OpenSSL ({@code BEGIN EC PRIVATE KEY}, {@code
   * BEGIN RSA PRIVATE KEY}).
   *
   * @throws java.nio.file.NoSuchFileException if a file is missing
   * @throws IOException if a file is not PEM, holds no or several keys, the chain is out of order,
   *     or the key does not belong to the leaf certificate; the message names the file and the rule
   */
  public static KeyMaterial loadPem(Path certFile, Path keyFile) throws IOException {
    List<X509Certificate> chain = Pem.readCertificates(certFile, "certificate file");
    checkOrder(chain, certFile);
    PrivateKey key = Pem.readPrivateKey(keyFile, "private key file");
    try {
      return new KeyMaterial(key, chain);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "private key file "
              + keyFile
              + " does not match certificate file "
              + certFile
              + " (leaf "
              + chain.getFirst().getSubjectX500Principal()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static void checkOrder(List<X509Certificate> chain, Path certFile) throws IOException {
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate parent = chain.get(i + 1);
      if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
        throw new IOException(
            "certificate file "
                + certFile
                + ": chain must be ordered leaf first, each certificate followed by its issuer, but"
                + " certificate "
                + (i + 1)
                + " ("
                + child.getSubjectX500Principal()
                + ") was issued by "
                + child.getIssuerX500Principal()
                + ", not by the next certificate "
                + parent.getSubjectX500Principal());
      }
    }
  }

  private static void writeKey(Path file, PrivateKey key) throws IOException {
    byte[] der = key.getEncoded();
    byte[] pem = Pem.encode("PRIVATE KEY", der).getBytes(StandardCharsets.US_ASCII);
    try {
      AtomicFiles.replace(file, pem, AtomicFiles.OWNER_ONLY);
    } finally {
      Arrays.fill(der, (byte) 0);
      Arrays.fill(pem, (byte) 0);
    }
  }

  private static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    try {
      byte[] pem =
          Pem.encode("CERTIFICATE", certificate.getEncoded()).getBytes(StandardCharsets.US_ASCII);
      AtomicFiles.replace(file, pem, CERT_PERMISSIONS);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("cannot encode certificate for " + file, e);
    }
  }

  private static void warnIfReadableByOthers(Path key) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(key);
      if (!AtomicFiles.OWNER_ONLY.containsAll(permissions)) {
        log.warn(
            "server key {} has mode {}; only its owner should read it (chmod 600)",
            key,
            PosixFilePermissions.toString(permissions));
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("cannot read the permissions of {}", key, e);
    }
  }
}
