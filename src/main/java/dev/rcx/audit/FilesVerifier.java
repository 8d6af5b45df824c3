package dev.rcx.audit;

import dev.rcx.audit.LineReader.Line;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Verifies every file of a log in order as one chain (see {@link AuditFiles}): within a file as
 * {@link ChainVerifier} and, with the key, {@link KeyedVerifier} do; across files, the first record
 * of each later file ({@code audit_rotated}) must hold the next seq and the hash of the previous
 * file's last line. A seq gap between two kept files is a missing file; an oldest kept file that
 * starts after a rotation means earlier files were archived, and the walk starts from its own
 * {@code prev} and (with the key) the epoch it names, which its MAC authenticates.
 */
final class FilesVerifier {
  /** Beyond this many epochs an archived prefix is not re-derived (it would take long). */
  private static final long MAX_START_EPOCH = 100_000_000;

  private final @Nullable EpochKeys keys;
  private final @Nullable String keyId;
  private final boolean keyIdConfirmed;

  // The walk so far.
  private final List<String> names = new ArrayList<>();
  private long firstSeq;
  private long lastSeq;
  private byte[] lastHash = Hashes.ZERO; // set again as each file's first record is read
  private boolean archived;
  private long records;
  private long sealedRecords;
  private long inEpoch;
  private @Nullable String sealedThrough;
  private long tornBytes;

  private FilesVerifier(@Nullable EpochKeys keys, @Nullable String keyId, boolean confirmed) {
    this.keys = keys;
    this.keyId = keyId;
    this.keyIdConfirmed = confirmed;
  }

  static FilesVerifyResult run(Path currentLog) throws IOException {
    return new FilesVerifier(null, null, false).walk(currentLog);
  }

  static FilesVerifyResult run(Path currentLog, String verificationKey) throws IOException {
    VerificationKey.Parsed vk = VerificationKey.parse(verificationKey);
    if (vk == null) {
      return new FilesVerifyResult.WrongKey(
          "not an rcx audit verification key: expected "
              + VerificationKey.PREFIX
              + "<epoch-records>:<43 base64url characters>");
    }
    KeyFile.State kf = null;
    Path keyPath = KeyFile.pathFor(currentLog);
    try {
      String id = EpochKeys.keyId(vk.k0());
      try {
        kf = KeyFile.read(keyPath);
      } catch (IOException e) {
        return new FilesVerifyResult.Tampered(
            keyPath.getFileName().toString(),
            0,
            -1,
            Objects.requireNonNullElse(e.getMessage(), e.toString()));
      }
      if (kf != null && !kf.keyId().equals(id)) {
        return new FilesVerifyResult.WrongKey(
            "this verification key (key id "
                + id
                + ") is not the key of this log: its key file "
                + keyPath.getFileName()
                + " names key id "
                + kf.keyId());
      }
      if (kf != null && kf.epochRecords() != vk.epochRecords()) {
        return new FilesVerifyResult.Tampered(
            keyPath.getFileName().toString(),
            0,
            -1,
            "the key file says epochs hold "
                + kf.epochRecords()
                + " records, the verification key says "
                + vk.epochRecords()
                + ": the key file was edited");
      }
      try (EpochKeys keys = new EpochKeys(vk.k0().clone(), 0)) {
        FilesVerifier v = new FilesVerifier(keys, id, kf != null);
        FilesVerifyResult chain = v.walk(currentLog);
        if (!(chain instanceof FilesVerifyResult.Verified ok)) {
          return chain;
        }
        return v.keyFileVerdict(vk.k0(), kf, ok, keyPath);
      }
    } finally {
      Arrays.fill(vk.k0(), (byte) 0);
      if (kf != null) {
        Arrays.fill(kf.key(), (byte) 0);
      }
    }
  }

  private FilesVerifyResult keyFileVerdict(
      byte[] k0, KeyFile.@Nullable State kf, FilesVerifyResult.Verified ok, Path keyPath) {
    EpochKeys keys = keys();
    KeyedVerifyResult r;
    if (kf == null) {
      r =
          new KeyedVerifyResult.Authentic(
              records,
              keys.epoch(),
              sealedRecords,
              sealedThrough,
              records - sealedRecords,
              tornBytes,
              KeyedVerifyResult.KeyFileState.MISSING);
    } else {
      r =
          KeyedVerifier.compareKeyFile(
              k0, kf, records, sealedRecords, keys.epoch(), sealedThrough, tornBytes);
    }
    return switch (r) {
      case KeyedVerifyResult.Authentic a ->
          new FilesVerifyResult.Verified(
              ok.files(), ok.firstSeq(), ok.lastSeq(), ok.earlierArchived(), a.summary());
      case KeyedVerifyResult.Truncated t -> new FilesVerifyResult.Truncated(t.reason());
      case KeyedVerifyResult.Tampered t ->
          new FilesVerifyResult.Tampered(keyPath.getFileName().toString(), 0, -1, t.reason());
      case KeyedVerifyResult.WrongKey w -> new FilesVerifyResult.WrongKey(w.reason());
    };
  }

  private FilesVerifyResult walk(Path currentLog) throws IOException {
    List<AuditFiles.Segment> files = AuditFiles.list(currentLog);
    if (files.isEmpty()) {
      throw new java.nio.file.NoSuchFileException(currentLog.toString(), null, "no audit log");
    }
    for (int k = 0; k < files.size(); k++) {
      AuditFiles.Segment f = files.get(k);
      boolean last = k == files.size() - 1;
      FilesVerifyResult bad = file(f, k == 0, last);
      if (bad != null) {
        return bad;
      }
      names.add(f.name());
    }
    String detail =
        "hash chain intact"
            + (names.size() > 1 ? " across " + names.size() + " files" : "")
            + (tornBytes > 0
                ? "; torn last line of "
                    + tornBytes
                    + " bytes (an interrupted write, e.g. after a crash; not tampering)"
                : "");
    return new FilesVerifyResult.Verified(names, firstSeq, lastSeq, archived, detail);
  }

  /** Verifies one file; null if it is fine. */
  private @Nullable FilesVerifyResult file(AuditFiles.Segment f, boolean first, boolean current)
      throws IOException {
    String name = f.name();
    byte[] beforeLast = null;
    long n = 0;
    long d = 0; // line x holds seq x + d
    try (InputStream in = Files.newInputStream(f.path())) {
      LineReader reader = new LineReader(in);
      for (Line line = reader.next(); line != null; line = reader.next()) {
        if (!line.terminated()) {
          if (!current) {
            return new FilesVerifyResult.Tampered(
                name,
                n + 1,
                -1,
                "closed file ends in an incomplete line of "
                    + line.size()
                    + " bytes: it was cut or appended to after it was closed");
          }
          tornBytes = line.size();
          break;
        }
        long i = n + 1;
        ParsedLine p;
        try {
          p = ChainVerifier.parse(line);
        } catch (IllegalArgumentException e) {
          return new FilesVerifyResult.Tampered(
              name, i, -1, "line " + i + " is not a valid audit record: " + e.getMessage());
        }
        if (i == 1) {
          FilesVerifyResult bad = start(name, p, first);
          if (bad != null) {
            return bad;
          }
          d = p.seq() - 1;
        }
        if (keys != null) {
          KeyedVerifyResult macFailure =
              KeyedVerifier.checkMac(line, p, i, keys, keyIdConfirmed || !first);
          if (macFailure instanceof KeyedVerifyResult.WrongKey w) {
            return new FilesVerifyResult.WrongKey(w.reason());
          }
          if (macFailure instanceof KeyedVerifyResult.Tampered t) {
            return new FilesVerifyResult.Tampered(name, t.lineNumber(), t.seq(), t.reason());
          }
        }
        byte[] hash = Hashes.sha256(line.bytes(), line.length());
        boolean seqOk = p.seq() == i + d;
        boolean prevOk = p.prev().equals(Hashes.hex(lastHash));
        if (!seqOk || !prevOk) {
          VerifyResult.Tampered t =
              ChainVerifier.diagnose(
                  i, d, p, seqOk, prevOk, beforeLast, ChainVerifier.nextChainsTo(reader, hash));
          return new FilesVerifyResult.Tampered(name, t.lineNumber(), t.seq(), t.reason());
        }
        if (keys != null) {
          FilesVerifyResult bad = epochs(name, p, i);
          if (bad != null) {
            return bad;
          }
        }
        beforeLast = i == 1 ? null : lastHash;
        lastHash = hash;
        lastSeq = p.seq();
        records++;
        n = i;
      }
    }
    return null;
  }

  /**
   * Checks how a file's first record continues the walk: seq 1 from zeros in the first file, or an
   * {@code audit_rotated} record linking to the previous file (or, in the oldest kept file, to
   * archived ones). Sets the expected prev and, with the key, the epoch.
   */
  private @Nullable FilesVerifyResult start(String name, ParsedLine p, boolean first) {
    boolean rotated = p.event().equals("audit_rotated");
    if (first) {
      firstSeq = p.seq();
      if (p.seq() == 1) {
        lastHash = Hashes.ZERO;
        return null;
      }
      if (!rotated) {
        return new FilesVerifyResult.Tampered(
            name,
            1,
            p.seq(),
            "the oldest file starts at seq "
                + p.seq()
                + " with a "
                + Text.clip(p.event(), 64)
                + " record: a file after a rotation starts with audit_rotated, so records were"
                + " removed from its start");
      }
      archived = true;
      lastHash = RecordEncoder.HEX.parseHex(p.prev());
      if (keys != null) {
        long epoch = p.node().path("epoch").asLong(-1);
        if (epoch < 0 || epoch > MAX_START_EPOCH) {
          return new FilesVerifyResult.Tampered(
              name, 1, p.seq(), "its audit_rotated record names no valid epoch (" + epoch + ")");
        }
        keys.evolveTo(epoch);
        inEpoch = 0;
      }
      return null;
    }
    String previous = names.getLast();
    String named = rotated ? EventCodec.str(p.node(), "previous_file") : null;
    if (p.seq() > lastSeq + 1) {
      return new FilesVerifyResult.MissingFile(
          previous, name, lastSeq + 1, p.seq() - 1, named == null ? "?" : Text.clip(named, 256));
    }
    if (p.seq() <= lastSeq) {
      return new FilesVerifyResult.Tampered(
          name,
          1,
          p.seq(),
          "starts at seq "
              + p.seq()
              + " but "
              + previous
              + " already ended at seq "
              + lastSeq
              + ": the files are out of order, or one was copied or renamed into the set");
    }
    if (!rotated) {
      return new FilesVerifyResult.Tampered(
          name,
          1,
          p.seq(),
          "does not start with an audit_rotated record: its first record was replaced or removed");
    }
    if (!p.prev().equals(Hashes.hex(lastHash))) {
      return new FilesVerifyResult.Tampered(
          previous,
          0,
          lastSeq,
          "the last record of "
              + previous
              + " (seq "
              + lastSeq
              + ") was altered, or "
              + name
              + " does not follow it: its first record holds a different hash for it");
    }
    if (keys != null && p.node().path("epoch").asLong(-1) != keys.epoch()) {
      return new FilesVerifyResult.Tampered(
          name,
          1,
          p.seq(),
          "its audit_rotated record names epoch "
              + p.node().path("epoch").asLong(-1)
              + " but the files before it end in epoch "
              + keys.epoch());
    }
    return null;
  }

  /** The epoch keys of a verification with the key; only called in that mode. */
  private EpochKeys keys() {
    EpochKeys k = keys;
    if (k == null) {
      throw new IllegalStateException("verifying without a key: no epoch keys");
    }
    return k;
  }

  /** With the key: counts the record into its epoch, checks a seal and evolves past it. */
  private @Nullable FilesVerifyResult epochs(String name, ParsedLine p, long i) {
    if (!p.event().equals("seal")) {
      inEpoch++;
      return null;
    }
    EpochKeys keys = keys();
    KeyedVerifyResult.Tampered bad =
        KeyedVerifier.checkSeal(p, i, keys.epoch(), inEpoch, Objects.requireNonNull(keyId));
    if (bad != null) {
      return new FilesVerifyResult.Tampered(name, bad.lineNumber(), bad.seq(), bad.reason());
    }
    keys.evolve();
    inEpoch = 0;
    sealedRecords = records + 1;
    sealedThrough = EventCodec.str(p.node(), "ts");
    return null;
  }
}
