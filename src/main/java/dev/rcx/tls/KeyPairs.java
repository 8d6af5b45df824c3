package dev.rcx.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Locale;

/**
 * Checks that a private key belongs to a public key by signing a random challenge and verifying it.
 */
final class KeyPairs {
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyPairs() {}

  static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = signatureAlgorithm(privateKey);
    if (!sameFamily(privateKey, publicKey)) {
      return false;
    }
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // A key of another curve or size, or one the JDK cannot use at all, does not match.
      return false;
    }
  }

  private static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "ED25519", "EDDSA", "ED448" -> "EdDSA";
      default ->
          throw new IllegalArgumentException(
              "private key algorithm "
                  + key.getAlgorithm()
                  + " is not supported; use EC, RSA or Ed25519");
    };
  }

  private static boolean sameFamily(PrivateKey privateKey, PublicKey publicKey) {
    return family(privateKey.getAlgorithm()).equals(family(publicKey.getAlgorithm()));
  }

  private static String family(String algorithm) {
    String upper = algorithm.toUpperCase(Locale.ROOT);
    return switch (upper) {
      case "ED25519", "ED448", "EDDSA" -> "EDDSA";
      case "ECDSA" -> "EC";
      default -> upper;
    };
  }
}
