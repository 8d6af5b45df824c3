package dev.rcx.audit;

import dev.rcx.audit.KeyedVerifyResult.Authentic;
import dev.rcx.audit.KeyedVerifyResult.KeyFileState;
import dev.rcx.audit.KeyedVerifyResult.Tampered;
import dev.rcx.audit.KeyedVerifyResult.Truncated;
import dev.rcx.audit.KeyedVerifyResult.WrongKey;
import dev.rcx.audit.LineReader.Line;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a sealed log from K_0. Each line must carry a valid MAC under its epoch's key, the
 * seq/prev chain must hold (diagnosed like {@link ChainVerifier}), and each seal must close the
 * expected epoch with the right record count; the key is evolved after each seal. Finally the key
 * file's epoch shows whether seals were cut off the end.
 */
final class KeyedVerifier {
  /**
   * Beyond this the key file's key is not re-derived (it would take long); the log is reported
   * truncated anyway.
   */
  private static final long MAX_EPOCHS_AHEAD = 1_000_000;

  private KeyedVerifier() {}

  static KeyedVerifyResult run(Path file, String verificationKey) throws IOException {
    VerificationKey.Parsed vk = VerificationKey.parse(verificationKey);
    if (vk == null) {
      return new WrongKey(
          "not an rcx audit verification key: expected "
              + VerificationKey.PREFIX
              + "<epoch-records>:<43 base64url characters>");
    }
    KeyFile.State kf = null;
    try {
      String keyId = EpochKeys.keyId(vk.k0());
      Path keyPath = KeyFile.pathFor(file);
      try {
        kf = KeyFile.read(keyPath);
      } catch (IOException e) {
        return new Tampered(0, -1, Objects.requireNonNullElse(e.getMessage(), e.toString()));
      }
      if (kf != null && !kf.keyId().equals(keyId)) {
        return new WrongKey(
            "this verification key (key id "
                + keyId
                + ") is not the key of this log: its key file "
                + keyPath.getFileName()
                + " names key id "
                + kf.keyId());
      }
      if (kf != null && kf.epochRecords() != vk.epochRecords()) {
        return new Tampered(
            0,
            -1,
            "the key file says epochs hold "
                + kf.epochRecords()
                + " records, the verification"
                + " key says "
                + vk.epochRecords()
                + ": the key file was edited");
      }
      return walk(file, vk.k0(), keyId, kf);
    } finally {
      Arrays.fill(vk.k0(), (byte) 0);
      if (kf != null) {
        Arrays.fill(kf.key(), (byte) 0);
      }
    }
  }

  private static KeyedVerifyResult walk(
      Path file, byte[] k0, String keyId, KeyFile.@Nullable State kf) throws IOException {
    long n = 0;
    long sealed = 0;
    long inEpoch = 0;
    long torn = 0;
    String sealedThrough = null;
    byte[] last = Hashes.ZERO;
    byte[] beforeLast = null;
    try (EpochKeys keys = new EpochKeys(k0.clone(), 0);
        InputStream in = Files.newInputStream(file)) {
      LineReader reader = new LineReader(in);
      for (Line line = reader.next(); line != null; line = reader.next()) {
        if (!line.terminated()) {
          torn = line.size();
          break;
        }
        long i = n + 1;
        ParsedLine p;
        try {
          p = ChainVerifier.parse(line);
        } catch (IllegalArgumentException e) {
          return new Tampered(
              i, -1, "line " + i + " is not a valid audit record: " + e.getMessage());
        }
        KeyedVerifyResult macFailure = checkMac(line, p, i, keys, kf != null);
        if (macFailure != null) {
          return macFailure;
        }
        byte[] hash = Hashes.sha256(line.bytes(), line.length());
        boolean seqOk = p.seq() == i;
        boolean prevOk = p.prev().equals(Hashes.hex(last));
        if (!seqOk || !prevOk) {
          VerifyResult.Tampered t =
              ChainVerifier.diagnose(
                  i, p, seqOk, prevOk, beforeLast, ChainVerifier.nextChainsTo(reader, hash));
          return new Tampered(t.lineNumber(), t.seq(), t.reason());
        }
        if (p.event().equals("seal")) {
          Tampered bad = checkSeal(p, i, keys.epoch(), inEpoch, keyId);
          if (bad != null) {
            return bad;
          }
          keys.evolve();
          inEpoch = 0;
          sealed = i;
          sealedThrough = EventCodec.str(p.node(), "ts");
        } else {
          inEpoch++;
        }
        beforeLast = last;
        last = hash;
        n = i;
      }
      long sealedEpochs = keys.epoch();
      if (kf == null) {
        return new Authentic(
            n, sealedEpochs, sealed, sealedThrough, n - sealed, torn, KeyFileState.MISSING);
      }
      return compareKeyFile(k0, kf, n, sealed, sealedEpochs, sealedThrough, torn);
    }
  }

  static @Nullable KeyedVerifyResult checkMac(
      Line line, ParsedLine p, long i, EpochKeys keys, boolean keyIdConfirmed) {
    int unsignedLength = RecordEncoder.unsignedLength(line.bytes(), line.length());
    if (unsignedLength < 0) {
      return new Tampered(
          i,
          p.seq(),
          "line "
              + i
              + " has no MAC field at its end: it was not written by a sealed"
              + " log's writer");
    }
    byte[] unsigned = Arrays.copyOf(line.bytes(), unsignedLength + 1);
    unsigned[unsignedLength] = '}';
    byte[] expected = keys.mac(unsigned, unsigned.length);
    byte[] actual = RecordEncoder.HEX.parseHex(RecordEncoder.macHex(line.bytes(), line.length()));
    if (MessageDigest.isEqual(expected, actual)) {
      return null;
    }
    if (i == 1 && !keyIdConfirmed) {
      return new WrongKey(
          "record 1 does not verify under this key, and there is no key file to confirm the key id:"
              + " either this is not the verification key of this log, or record 1 was forged");
    }
    return new Tampered(
        i,
        p.seq(),
        "record seq "
            + p.seq()
            + " (line "
            + i
            + ") fails its MAC under the key of epoch "
            + keys.epoch()
            + ": it was altered or forged");
  }

  static @Nullable Tampered checkSeal(
      ParsedLine p, long i, long epoch, long inEpoch, String keyId) {
    long claimedEpoch = p.node().path("epoch").asLong(-1);
    long claimedRecords = p.node().path("records").asLong(-1);
    String claimedKey = EventCodec.str(p.node(), "key_id");
    if (claimedEpoch != epoch || claimedRecords != inEpoch || !keyId.equals(claimedKey)) {
      return new Tampered(
          i,
          p.seq(),
          "seal at line "
              + i
              + " claims epoch "
              + claimedEpoch
              + " with "
              + claimedRecords
              + " records and key id "
              + claimedKey
              + ", expected epoch "
              + epoch
              + " with "
              + inEpoch
              + " records and key id "
              + keyId);
    }
    return null;
  }

  static KeyedVerifyResult compareKeyFile(
      byte[] k0,
      KeyFile.State kf,
      long n,
      long sealed,
      long sealedEpochs,
      @Nullable String sealedThrough,
      long torn) {
    if (kf.epoch() - sealedEpochs <= MAX_EPOCHS_AHEAD) {
      try (EpochKeys expected = new EpochKeys(k0.clone(), 0)) {
        expected.evolveTo(kf.epoch());
        if (!expected.sameKey(kf.key())) {
          return new Tampered(
              0,
              -1,
              "the key file claims epoch "
                  + kf.epoch()
                  + " but its key does not derive from"
                  + " the verification key: the key file was replaced or edited");
        }
      }
    }
    if (kf.epoch() > sealedEpochs) {
      return new Truncated(
          n,
          sealedEpochs,
          kf.epoch(),
          "the key file shows "
              + kf.epoch()
              + " seals were made, but"
              + " the log holds "
              + sealedEpochs
              + (sealed == 0 ? "" : " (the last at line " + sealed + ")")
              + ": sealed records were removed from the end of the log");
    }
    KeyFileState state =
        kf.epoch() == sealedEpochs
            ? KeyFileState.CONSISTENT
            : kf.epoch() == sealedEpochs - 1 ? KeyFileState.LAGGING : KeyFileState.STALE;
    return new Authentic(n, sealedEpochs, sealed, sealedThrough, n - sealed, torn, state);
  }
}
