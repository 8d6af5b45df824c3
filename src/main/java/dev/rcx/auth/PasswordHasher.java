package dev.rcx.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Stores and checks the client's password proof: Argon2id (RFC 9106, version 0x13) over the 32 raw
 * bytes of the client-side SHA-256, with a random 16-byte salt and a 32-byte output, encoded as a
 * PHC string such as {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}. Verification reads the
 * parameters from the stored string, so they can be raised later without invalidating existing
 * users ({@link #needsRehash}).
 *
 * <p>Each hash costs tens of milliseconds of CPU and {@code m} KiB of memory, so at most {@code
 * maxConcurrentHashes} run at once (default: one per processor); further callers wait in FIFO
 * order. That keeps a login flood from taking every core or exhausting the heap. Thread-safe.
 */
public final class PasswordHasher {
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;
  static final int SHA256_HEX_LENGTH = 64;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Argon2id cost parameters.
   *
   * @param memoryKiB memory in KiB, at least {@code 8 * parallelism}, at most 1 GiB
   * @param iterations passes over memory, 1 to 64
   * @param parallelism lanes, 1 to 16
   */
  public record Params(int memoryKiB, int iterations, int parallelism) {
    /** The OWASP recommendation: m=19456 KiB (19 MiB), t=2, p=1. */
    public static final Params OWASP = new Params(19_456, 2, 1);

    public Params {
      if (parallelism < 1 || parallelism > 16) {
        throw new IllegalArgumentException(
            "argon2 parallelism p must be 1 to 16 but was " + parallelism);
      }
      if (iterations < 1 || iterations > 64) {
        throw new IllegalArgumentException(
            "argon2 iterations t must be 1 to 64 but was " + iterations);
      }
      if (memoryKiB < 8 * parallelism || memoryKiB > 1 << 20) {
        throw new IllegalArgumentException(
            "argon2 memory m must be "
                + 8 * parallelism
                + " to "
                + (1 << 20)
                + " KiB but was "
                + memoryKiB);
      }
    }
  }

  private final Params params;
  private final Semaphore slots;
  private final SecureRandom random;

  /** A hasher with {@link Params#OWASP} and one hashing slot per available processor. */
  public PasswordHasher() {
    this(Params.OWASP, Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param params cost of new hashes (stored hashes are checked with their own parameters)
   * @param maxConcurrentHashes how many hashes may run at once, at least 1
   */
  public PasswordHasher(Params params, int maxConcurrentHashes) {
    this(params, maxConcurrentHashes, new SecureRandom());
  }

  PasswordHasher(Params params, int maxConcurrentHashes, SecureRandom random) {
    if (maxConcurrentHashes < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentHashes must be at least 1 but was " + maxConcurrentHashes);
    }
    this.params = Objects.requireNonNull(params, "params");
    this.slots = new Semaphore(maxConcurrentHashes, /* fair= */ true);
    this.random = random;
  }

  /** The parameters used for new hashes. */
  public Params params() {
    return params;
  }

  /**
   * Hashes a client password proof for storage.
   *
   * @param passwordSha256Hex the lowercase hex SHA-256 of the password (64 characters)
   * @return a PHC string
   * @throws IllegalArgumentException if the input is not 64 lowercase hex characters
   * @throws IllegalStateException if interrupted while waiting for a hashing slot (the interrupt
   *     flag is kept)
   */
  public String hash(String passwordSha256Hex) {
    byte[] input = decodeSha256Hex(passwordSha256Hex);
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    try {
      return new Phc(params, salt, derive(input, salt, params, HASH_BYTES)).format();
    } finally {
      Arrays.fill(input, (byte) 0);
    }
  }

  /**
   * Checks a client password proof against a stored PHC string, comparing in constant time.
   *
   * @return whether they match
   * @throws IllegalArgumentException if the proof is not 64 lowercase hex characters or the PHC
   *     string is invalid
   * @throws IllegalStateException if interrupted while waiting for a hashing slot (the interrupt
   *     flag is kept)
   */
  public boolean verify(String passwordSha256Hex, String phc) {
    Phc stored = Phc.parse(phc);
    byte[] input = decodeSha256Hex(passwordSha256Hex);
    try {
      byte[] actual = derive(input, stored.salt(), stored.params(), stored.hashLength());
      return MessageDigest.isEqual(actual, stored.hash());
    } finally {
      Arrays.fill(input, (byte) 0);
    }
  }

  /**
   * Whether a stored hash was made with parameters other than this hasher's, so it should be
   * replaced on the next password change.
   *
   * @throws IllegalArgumentException if the PHC string is invalid
   */
  public boolean needsRehash(String phc) {
    Phc stored = Phc.parse(phc);
    return !stored.params().equals(params) || stored.hashLength() != HASH_BYTES;
  }

  /** Whether {@code s} is a well-formed password proof: exactly 64 lowercase hex characters. */
  public static boolean isSha256Hex(String s) {
    if (s == null || s.length() != SHA256_HEX_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The client-side password proof: lowercase hex SHA-256 of the password encoded as UTF-8. The
   * caller should wipe {@code password} afterwards; the temporary UTF-8 bytes are wiped here.
   *
   * @throws IllegalArgumentException if the password contains an unpaired surrogate (it has no
   *     UTF-8 form)
   */
  public static String sha256Hex(char[] password) {
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    // Sized for the worst case up front: the convenience encode() would grow and abandon unwiped
    // buffers.
    ByteBuffer utf8 = ByteBuffer.allocate(password.length * 3);
    try {
      CoderResult result = encoder.encode(CharBuffer.wrap(password), utf8, /* endOfInput= */ true);
      if (!result.isUnderflow() || !encoder.flush(utf8).isUnderflow()) {
        throw new IllegalArgumentException(
            "password contains an unpaired UTF-16 surrogate; it has no UTF-8 form");
      }
      MessageDigest sha256 = sha256();
      sha256.update(utf8.array(), 0, utf8.position());
      return HEX.formatHex(sha256.digest());
    } finally {
      Arrays.fill(utf8.array(), (byte) 0);
    }
  }

  /** The hashing slots; tests hold them to prove who waits for a hash. */
  Semaphore slots() {
    return slots;
  }

  /**
   * A syntactically valid PHC string with this hasher's parameters that no input matches (random
   * salt and hash).
   */
  String unmatchableHash() {
    byte[] salt = new byte[SALT_BYTES];
    byte[] hash = new byte[HASH_BYTES];
    random.nextBytes(salt);
    random.nextBytes(hash);
    return new Phc(params, salt, hash).format();
  }

  private byte[] derive(byte[] input, byte[] salt, Params p, int outLength) {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a password-hashing slot", e);
    }
    try {
      return argon2id(input, salt, p, outLength, new byte[0], new byte[0]);
    } finally {
      slots.release();
    }
  }

  /**
   * Raw Argon2id v0x13; {@code secret} and {@code associatedData} exist for the RFC 9106 test
   * vector.
   */
  static byte[] argon2id(
      byte[] password, byte[] salt, Params p, int outLength, byte[] secret, byte[] associatedData) {
    var builder =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(p.memoryKiB())
            .withIterations(p.iterations())
            .withParallelism(p.parallelism())
            .withSalt(salt);
    if (secret.length > 0) {
      builder.withSecret(secret);
    }
    if (associatedData.length > 0) {
      builder.withAdditional(associatedData);
    }
    Argon2Parameters parameters = builder.build();
    var generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[outLength];
    generator.generateBytes(password, out);
    parameters.clear();
    return out;
  }

  static byte[] decodeSha256Hex(String hex) {
    if (!isSha256Hex(hex)) {
      throw new IllegalArgumentException(
          "password proof must be 64 lowercase hex characters (SHA-256) but was "
              + (hex == null ? "null" : "a " + hex.length() + "-character string"));
    }
    return HEX.parseHex(hex);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
