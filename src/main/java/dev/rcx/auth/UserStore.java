package dev.rcx.auth;

import dev.rcx.files.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users file ({@code users.json} in the data directory; format in {@link UsersFileCodec}'s
 * javadoc).
 *
 * <p>Readers ({@link #find}, {@link #list}) serve an in-memory snapshot and reload it when the
 * file's identity, size or modification time changed, so {@code rcx user add} takes effect on a
 * running server without a restart. A file that fails to parse is reported by every call until it
 * is fixed; it is never served from a stale snapshot (a botched edit that removed a user must not
 * leave that user able to log in) and never overwritten.
 *
 * <p>Writers replace the file atomically with mode 600 and are serialized: within a JVM by a lock
 * per file, across processes by an advisory lock on {@code <file>.lock} beside it. Each write
 * re-reads the file under the lock, so concurrent {@code rcx user} commands do not lose each
 * other's changes. Password hashing happens before the lock.
 *
 * <p>The record before the effect: every change is first appended to the change journal ({@code
 * users.journal} beside the file) and forced to disk, and only then is the file replaced; if the
 * journal cannot be written, nothing changes. A running server copies the journal into its audit
 * log within about a second ({@link #drainChanges}); a server that was not running does so when it
 * next starts.
 */
public final class UserStore {
  /** The conventional file name inside the data directory. */
  public static final String DEFAULT_FILE_NAME = "users.json";

  private static final Logger log = LoggerFactory.getLogger(UserStore.class);
  private static final long MAX_FILE_BYTES = 16L << 20;
  private static final ConcurrentHashMap<Path, ReentrantLock> WRITE_LOCKS =
      new ConcurrentHashMap<>();

  /** File name of the change journal, beside the users file. */
  public static final String JOURNAL_FILE_NAME = "users.journal";

  private final Path file;
  private final Path lockFile;
  private final PasswordHasher hasher;
  private final ChangeJournal journal;
  private final Clock clock = Clock.systemUTC();
  private volatile @Nullable Snapshot snapshot;

  /** Receives journaled changes; may throw to keep them in the journal. */
  @FunctionalInterface
  public interface ChangeSink {
    void accept(UserChange change) throws IOException;
  }

  /**
   * What was last read: the file's stamp and either its users or the reason it could not be used.
   */
  private record Snapshot(
      Stamp stamp, SortedMap<String, User> users, @Nullable CorruptUserFileException error) {}

  /** Enough to notice a replaced (new inode) or edited (size or mtime) file without reading it. */
  private record Stamp(Object fileKey, FileTime modified, long size) {
    static final Stamp ABSENT = new Stamp("absent", FileTime.fromMillis(0), -1);

    static Stamp of(BasicFileAttributes a) {
      return new Stamp(a.fileKey(), a.lastModifiedTime(), a.size());
    }
  }

  private UserStore(Path file, PasswordHasher hasher) {
    this.file = file;
    this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
    this.hasher = hasher;
    this.journal = new ChangeJournal(file.resolveSibling(JOURNAL_FILE_NAME));
  }

  /**
   * Opens the users file with a default {@link PasswordHasher}. A missing file is an empty store;
   * it is created on the first write (its directory must exist).
   *
   * @throws CorruptUserFileException if the file exists but cannot be used
   */
  public static UserStore open(Path file) throws IOException {
    return open(file, new PasswordHasher());
  }

  /**
   * Opens the users file, hashing new passwords with {@code hasher}.
   *
   * @throws CorruptUserFileException if the file exists but cannot be used
   */
  public static UserStore open(Path file, PasswordHasher hasher) throws IOException {
    var store =
        new UserStore(file.toAbsolutePath().normalize(), Objects.requireNonNull(hasher, "hasher"));
    store.current();
    return store;
  }

  /** The users file. */
  public Path file() {
    return file;
  }

  /**
   * The user called {@code name}, if any, reloading first if the file changed. A name that breaks
   * the naming rule is simply not found.
   *
   * @throws CorruptUserFileException if the file exists but cannot be used
   */
  public Optional<User> find(String name) throws IOException {
    if (!Names.isValid(name)) {
      return Optional.empty();
    }
    return Optional.ofNullable(current().get(name));
  }

  /** All users sorted by name, reloading first if the file changed. */
  public List<User> list() throws IOException {
    return List.copyOf(current().values());
  }

  /**
   * Adds a user with a password typed by a person; the password is hashed as a client would ({@link
   * PasswordHasher#sha256Hex}) and then with Argon2id. The caller wipes {@code password}.
   *
   * @throws IllegalArgumentException if the name or a role breaks the naming rule, or the user
   *     exists
   */
  public User add(String name, char[] password, Set<String> roles) throws IOException {
    return addWithSha256(name, PasswordHasher.sha256Hex(password), roles);
  }

  /**
   * Adds a user given the client-side password proof (lowercase hex SHA-256 of the password).
   *
   * @throws IllegalArgumentException if the name, a role or the proof is malformed, or the user
   *     exists
   */
  public User addWithSha256(String name, String passwordSha256Hex, Set<String> roles)
      throws IOException {
    Names.requireUsername(name);
    Names.requireRoles(roles);
    requireAbsent(current(), name);
    User user = new User(name, hasher.hash(passwordSha256Hex), roles);
    mutate(
        UserChange.Kind.USER_ADDED,
        name,
        users -> {
          requireAbsent(users, name);
          users.put(name, user);
          return users;
        });
    return user;
  }

  /**
   * Checks, before a password is asked for, that {@code name} could be added with {@code roles}.
   *
   * @throws IllegalArgumentException if the name or a role breaks the naming rule, or the user
   *     exists
   */
  public void requireAddable(String name, Set<String> roles) throws IOException {
    Names.requireUsername(name);
    Names.requireRoles(roles);
    requireAbsent(current(), name);
  }

  /**
   * Checks, before a password is asked for, that user {@code name} exists.
   *
   * @throws IllegalArgumentException if the name is malformed or there is no such user
   */
  public void requireExisting(String name) throws IOException {
    Names.requireUsername(name);
    requirePresent(current(), name);
  }

  /**
   * Removes a user.
   *
   * @throws IllegalArgumentException if the name is malformed or there is no such user
   */
  public void remove(String name) throws IOException {
    Names.requireUsername(name);
    mutate(
        UserChange.Kind.USER_REMOVED,
        name,
        users -> {
          requirePresent(users, name);
          users.remove(name);
          return users;
        });
  }

  /**
   * Sets a user's password, given as typed by a person. The caller wipes {@code password}.
   *
   * @throws IllegalArgumentException if the name is malformed or there is no such user
   */
  public User passwd(String name, char[] password) throws IOException {
    return passwdWithSha256(name, PasswordHasher.sha256Hex(password));
  }

  /**
   * Sets a user's password given the client-side password proof.
   *
   * @throws IllegalArgumentException if the name or the proof is malformed, or there is no such
   *     user
   */
  public User passwdWithSha256(String name, String passwordSha256Hex) throws IOException {
    Names.requireUsername(name);
    requirePresent(current(), name);
    String hash = hasher.hash(passwordSha256Hex);
    User[] updated = new User[1];
    mutate(
        UserChange.Kind.PASSWORD_CHANGED,
        name,
        users -> {
          User old = requirePresent(users, name);
          updated[0] = new User(name, hash, old.roles());
          users.put(name, updated[0]);
          return users;
        });
    return updated[0];
  }

  /**
   * Replaces a user's roles ({@code roles} may be empty).
   *
   * @throws IllegalArgumentException if the name or a role breaks the naming rule, or there is no
   *     such user
   */
  public User setRoles(String name, Set<String> roles) throws IOException {
    Names.requireUsername(name);
    Names.requireRoles(roles);
    User[] updated = new User[1];
    mutate(
        UserChange.Kind.ROLES_CHANGED,
        name,
        users -> {
          User old = requirePresent(users, name);
          updated[0] = new User(name, old.passwordHash(), roles);
          users.put(name, updated[0]);
          return users;
        });
    return updated[0];
  }

  /**
   * Hands every journaled change to {@code sink} in order, then empties the journal; returns how
   * many there were. Holds the write lock, so no change is journaled meanwhile. If {@code sink}
   * throws, the journal is kept whole and the next call offers its changes again (those already
   * accepted included: {@link UserChange#id()} tells a repeat).
   */
  public int drainChanges(ChangeSink sink) throws IOException {
    ReentrantLock lock = WRITE_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
    lock.lock();
    try (FileChannel channel = lockChannel()) {
      channel.lock();
      List<UserChange> changes = journal.read();
      for (UserChange c : changes) {
        sink.accept(c);
      }
      if (!changes.isEmpty()) {
        journal.clear();
      }
      return changes.size();
    } finally {
      lock.unlock();
    }
  }

  private FileChannel lockChannel() throws IOException {
    return FileChannel.open(
        lockFile,
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
        AtomicFiles.ownerOnly(file));
  }

  private SortedMap<String, User> current() throws CorruptUserFileException, IOException {
    Stamp onDisk = stamp();
    Snapshot s = snapshot;
    if (s == null || !s.stamp().equals(onDisk)) {
      // No lock: two threads may both reload, which is harmless; an older result stored last is
      // noticed next call.
      s = load();
      snapshot = s;
    }
    CorruptUserFileException error = s.error();
    if (error != null) {
      // A fresh exception: the stored one's stack trace is that of the first read.
      throw new CorruptUserFileException(file, error.problem());
    }
    return s.users();
  }

  private Snapshot load() throws IOException {
    BasicFileAttributes before;
    byte[] content;
    try {
      before = Files.readAttributes(file, BasicFileAttributes.class);
      if (before.size() > MAX_FILE_BYTES) {
        return failed(Stamp.of(before), "it is larger than " + MAX_FILE_BYTES + " bytes");
      }
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Snapshot(Stamp.ABSENT, Collections.emptySortedMap(), null);
    }
    Stamp stamp = Stamp.of(before);
    warnIfReadableByOthers();
    try {
      return new Snapshot(stamp, UsersFileCodec.decode(file, content), null);
    } catch (CorruptUserFileException e) {
      log.error("{}", e.getMessage());
      return new Snapshot(stamp, Collections.emptySortedMap(), e);
    }
  }

  private Snapshot failed(Stamp stamp, String problem) {
    return new Snapshot(
        stamp, Collections.emptySortedMap(), new CorruptUserFileException(file, problem));
  }

  private Stamp stamp() throws IOException {
    try {
      return Stamp.of(Files.readAttributes(file, BasicFileAttributes.class));
    } catch (NoSuchFileException e) {
      return Stamp.ABSENT;
    }
  }

  private void mutate(UserChange.Kind kind, String name, UnaryOperator<Map<String, User>> change)
      throws IOException {
    ReentrantLock lock = WRITE_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
    lock.lock();
    try (FileChannel channel = lockChannel()) {
      channel.lock(); // released when the channel closes
      Snapshot fresh = load();
      if (fresh.error() != null) {
        throw fresh.error();
      }
      Map<String, User> next = change.apply(new TreeMap<>(fresh.users()));
      User after = next.get(name);
      // The record before the effect: if this cannot be written, the file is not replaced.
      journal.append(
          new UserChange(
              UUID.randomUUID().toString(),
              clock.instant(),
              kind,
              name,
              after == null ? List.of() : List.copyOf(after.roles()),
              System.getProperty("user.name"),
              ProcessHandle.current().pid()));
      BasicFileAttributes written = AtomicFiles.replace(file, UsersFileCodec.encode(next));
      snapshot =
          new Snapshot(
              Stamp.of(written), Collections.unmodifiableSortedMap(new TreeMap<>(next)), null);
    } finally {
      lock.unlock();
    }
  }

  private void warnIfReadableByOthers() {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!AtomicFiles.OWNER_ONLY.containsAll(perms)) {
        log.warn("users file {} is accessible to group or others; expected mode 600", file);
      }
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system, or the file just vanished: nothing useful to say.
    }
  }

  private User requirePresent(Map<String, User> users, String name) {
    User user = users.get(name);
    if (user == null) {
      throw new IllegalArgumentException("no such user " + Names.quote(name) + " in " + file);
    }
    return user;
  }

  private void requireAbsent(Map<String, User> users, String name) {
    if (users.containsKey(name)) {
      throw new IllegalArgumentException(
          "user " + Names.quote(name) + " already exists in " + file);
    }
  }
}
