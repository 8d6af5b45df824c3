package dev.rcx.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes PEM files. Parsing goes through BouncyCastle's {@link PEMParser}; keys and
 * certificates are then built by the JDK's own providers, so no BouncyCastle provider is ever
 * registered.
 */
final class Pem {
  /**
   * Certificate and key files are small; a bigger file is a mistake (a wrong path), not something
   * to load.
   */
  private static final long MAX_FILE_BYTES = 1 << 20;

  private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

  private Pem() {}

  /** Returns every certificate in the file, in file order. */
  static List<X509Certificate> readCertificates(Path file, String what) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object object : readObjects(file, what)) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(converter.getCertificate(holder));
        } catch (CertificateException e) {
          throw new IOException(
              what + " " + file + ": certificate " + holder.getSubject() + " is invalid", e);
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new IOException(
          what + " " + file + ": no PEM block '-----BEGIN CERTIFICATE-----' found");
    }
    return List.copyOf(certificates);
  }

  /**
   * Returns the one private key in the file: PKCS#8 ({@code PRIVATE KEY}) of any algorithm the JDK
   * knows, or traditional OpenSSL {@code EC PRIVATE KEY} / {@code RSA PRIVATE KEY}. Other blocks
   * (such as {@code EC PARAMETERS} or certificates) are skipped.
   */
  static PrivateKey readPrivateKey(Path file, String what) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    List<PrivateKey> keys = new ArrayList<>();
    for (Object object : readObjects(file, what)) {
      PrivateKeyInfo info =
          switch (object) {
            case PrivateKeyInfo pkcs8 -> pkcs8;
            // Traditional OpenSSL form: its public half is optional, so use the private half only.
            case PEMKeyPair traditional -> traditional.getPrivateKeyInfo();
            case PKCS8EncryptedPrivateKeyInfo ignored -> throw encrypted(file, what);
            case PEMEncryptedKeyPair ignored -> throw encrypted(file, what);
            default -> null;
          };
      if (info != null) {
        keys.add(toPrivateKey(converter, info, file, what));
      }
    }
    if (keys.size() != 1) {
      throw new IOException(
          what
              + " "
              + file
              + ": expected exactly one PEM private key block ('PRIVATE KEY', 'EC PRIVATE KEY' or"
              + " 'RSA PRIVATE KEY'), found "
              + keys.size());
    }
    return keys.getFirst();
  }

  private static PrivateKey toPrivateKey(
      JcaPEMKeyConverter converter, PrivateKeyInfo info, Path file, String what)
      throws IOException {
    try {
      return converter.getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          what
              + " "
              + file
              + ": cannot use the "
              + info.getPrivateKeyAlgorithm().getAlgorithm()
              + " private key: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Encodes DER bytes as one PEM block of the given type, lines of 64 characters, ending in a
   * newline.
   */
  static String encode(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + BASE64.encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static List<Object> readObjects(Path file, String what) throws IOException {
    String text = readSmallFile(file, what);
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          what + " " + file + ": not a valid PEM file (" + e.getMessage() + ")", e);
    }
    if (objects.isEmpty()) {
      throw new IOException(
          what + " " + file + ": not a PEM file (no '-----BEGIN ...-----' block found)");
    }
    return objects;
  }

  private static String readSmallFile(Path file, String what) throws IOException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new IOException(
            what
                + " "
                + file
                + ": "
                + size
                + " bytes is larger than the limit of "
                + MAX_FILE_BYTES
                + " bytes");
      }
      // ISO-8859-1 maps every byte, so a binary (DER) file reaches the PEM parser and fails there
      // with a clear error.
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, what + " not found");
    }
  }

  private static IOException encrypted(Path file, String what) {
    return new IOException(
        what
            + " "
            + file
            + ": the private key is encrypted, which is not supported; decrypt it with 'openssl"
            + " pkey -in FILE -out NEWFILE' and protect the file with mode 600");
  }
}
