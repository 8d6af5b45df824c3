package dev.rcx.spawn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Launches with glibc's {@code posix_spawn} called directly through the foreign function API: one
 * {@code clone(CLONE_VM|CLONE_VFORK)} and one exec per command, where {@link JdkLauncher} execs a
 * helper first.
 *
 * <p>What the child gets: {@code /dev/null} opened as stdin; the write ends of two fresh pipes as
 * stdout and stderr; every other descriptor closed ({@code closefrom(3)}); the rule's working
 * directory; exactly the given environment; an empty signal mask and default dispositions for every
 * signal; and a new session, so the command and everything it starts form a process group that
 * {@link NativeChild#kill()} and the normal exit path kill as a whole. There is no shell: the
 * executable is an absolute path and argv is passed as is.
 *
 * <p>Reading the pipes and reaping the child happen on the one {@link IoLoop} thread; launching
 * costs the caller no thread at all.
 */
final class NativeLauncher implements Launcher {
  private final Libc c;
  private final Ffi ffi;
  private final IoLoop loop;
  private final long attributes;
  private final long environment;
  private final long devNull;

  private NativeLauncher(Libc c, IoLoop loop, long attributes, long environment, long devNull) {
    this.c = c;
    this.ffi = c.ffi;
    this.loop = loop;
    this.attributes = attributes;
    this.environment = environment;
    this.devNull = devNull;
  }

  /**
   * Binds the C library and starts the I/O thread.
   *
   * @throws UnsupportedOperationException if this platform cannot run it; the message says why
   */
  static NativeLauncher create(Map<String, String> environment) {
    Libc c = Libc.load();
    if (c.ffi.errnoBufferSize() > Frame.ERRNO_SIZE) {
      throw new UnsupportedOperationException(
          "errno capture needs " + c.ffi.errnoBufferSize() + " bytes");
    }
    IoLoop loop = IoLoop.start(c);
    long attributes = spawnAttributes(c);
    long env = environmentBlock(c.ffi, environment);
    long devNull = c.ffi.calloc(Ffi.stringSize("/dev/null"));
    c.ffi.putString(devNull, "/dev/null");
    return new NativeLauncher(c, loop, attributes, env, devNull);
  }

  @Override
  public String name() {
    return "native";
  }

  @Override
  public Child launch(List<String> argv, Path workdir, int cap) throws IOException {
    // C strings end at the first NUL: an argument containing one would reach the command cut short.
    for (String arg : argv) {
      if (arg.indexOf('\0') >= 0) {
        throw new IOException("invalid null character in command argument: " + argv);
      }
    }
    if (workdir.toString().indexOf('\0') >= 0) {
      throw new IOException("invalid null character in working directory");
    }
    Frame frame = new Frame(ffi, argv, workdir.toString());
    try {
      int[] out = pipe(frame);
      int[] err;
      try {
        err = pipe(frame);
      } catch (IOException e) {
        closeAll(out);
        throw e;
      }
      int pid;
      try {
        pid = spawn(frame, argv, out[1], err[1]);
      } catch (IOException | RuntimeException e) {
        c.closeQuietly(out[0]);
        c.closeQuietly(err[0]);
        throw e;
      } finally {
        c.closeQuietly(out[1]);
        c.closeQuietly(err[1]);
      }
      return loop.register(pid, out[0], err[0], cap, frame.errno, frame.event);
    } finally {
      ffi.free(frame.base);
    }
  }

  private int spawn(Frame frame, List<String> argv, int stdoutFd, int stderrFd) throws IOException {
    try {
      check("posix_spawn_file_actions_init", (int) c.actionsInit.invokeExact(frame.actions));
      int rc;
      try {
        check(
            "addopen",
            (int) c.actionsAddOpen.invokeExact(frame.actions, 0, devNull, Libc.O_RDONLY, 0));
        check("adddup2", (int) c.actionsAddDup2.invokeExact(frame.actions, stdoutFd, 1));
        check("adddup2", (int) c.actionsAddDup2.invokeExact(frame.actions, stderrFd, 2));
        check("addchdir_np", (int) c.actionsAddChdir.invokeExact(frame.actions, frame.workdir));
        check("addclosefrom_np", (int) c.actionsAddClosefrom.invokeExact(frame.actions, 3));
        rc =
            (int)
                c.posixSpawn.invokeExact(
                    frame.pid, frame.path, frame.actions, attributes, frame.argv, environment);
      } finally {
        int ignored = (int) c.actionsDestroy.invokeExact(frame.actions);
      }
      if (rc != 0) {
        throw new IOException(
            "Cannot run program \""
                + argv.get(0)
                + "\" (in directory \""
                + frame.workdirText
                + "\"): "
                + c.describe(rc));
      }
      return ffi.getInt(frame.pid);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  private int[] pipe(Frame frame) throws IOException {
    int rc;
    try {
      rc = (int) c.pipe2.invokeExact(frame.errno, frame.fds, Libc.O_CLOEXEC);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (rc != 0) {
      throw c.failure("pipe2", ffi.errno(frame.errno));
    }
    int[] fds = {ffi.getInt(frame.fds), ffi.getInt(frame.fds + 4)};
    try {
      fds[0] = aboveStdio(frame, fds[0]);
      fds[1] = aboveStdio(frame, fds[1]);
    } catch (IOException e) {
      closeAll(fds);
      throw e;
    }
    return fds;
  }

  /**
   * Moves a descriptor that landed on 0-2 (this JVM was started with one of them closed) out of the
   * way, since the child's file actions overwrite 0-2.
   */
  private int aboveStdio(Frame frame, int fd) throws IOException {
    if (fd > 2) {
      return fd;
    }
    int moved;
    try {
      moved = (int) c.fcntl.invokeExact(frame.errno, fd, Libc.F_DUPFD_CLOEXEC, 3);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    int errno = ffi.errno(frame.errno);
    c.closeQuietly(fd);
    if (moved < 0) {
      throw c.failure("fcntl(F_DUPFD_CLOEXEC)", errno);
    }
    return moved;
  }

  private void closeAll(int[] fds) {
    for (int fd : fds) {
      c.closeQuietly(fd);
    }
  }

  private static void check(String call, int rc) throws IOException {
    if (rc != 0) {
      throw new IOException("posix_spawn setup failed in " + call + ": error=" + rc);
    }
  }

  /**
   * The spawn attributes every child shares; posix_spawn only reads them, so one copy serves all
   * threads.
   */
  private static long spawnAttributes(Libc c) {
    Ffi ffi = c.ffi;
    long block = ffi.calloc(Libc.SPAWN_STRUCT_SIZE + 2 * Libc.SIGSET_SIZE);
    long attr = block;
    long empty = block + Libc.SPAWN_STRUCT_SIZE;
    long all = empty + Libc.SIGSET_SIZE;
    try {
      int failures =
          (int) c.attrInit.invokeExact(attr)
              | (int) c.sigEmptySet.invokeExact(empty)
              | (int) c.sigFillSet.invokeExact(all)
              | (int) c.attrSetSigMask.invokeExact(attr, empty)
              | (int) c.attrSetSigDefault.invokeExact(attr, all)
              | (int)
                  c.attrSetFlags.invokeExact(
                      attr,
                      (short)
                          (Libc.POSIX_SPAWN_SETSID
                              | Libc.POSIX_SPAWN_SETSIGMASK
                              | Libc.POSIX_SPAWN_SETSIGDEF));
      if (failures != 0) {
        throw new UnsupportedOperationException("posix_spawnattr setup failed");
      }
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    return attr;
  }

  /**
   * A NULL-terminated {@code char *envp[]} with its strings, allocated once for the launcher's
   * lifetime.
   */
  private static long environmentBlock(Ffi ffi, Map<String, String> environment) {
    List<String> entries =
        environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    long size = 8L * (entries.size() + 1);
    for (String entry : entries) {
      size += Ffi.stringSize(entry);
    }
    long block = ffi.calloc(size);
    long text = block + 8L * (entries.size() + 1);
    for (int i = 0; i < entries.size(); i++) {
      ffi.setLong(block + 8L * i, text);
      text = ffi.putString(text, entries.get(i));
    }
    return block;
  }

  /** One launch's native scratch memory, a single allocation freed when the launch returns. */
  private static final class Frame {
    static final long ERRNO_SIZE = 16;
    final long base;
    final long errno;
    final long fds;
    final long pid;
    final long event;
    final long actions;
    final long argv;
    final long path;
    final long workdir;
    final String workdirText;

    Frame(Ffi ffi, List<String> args, String workdirText) {
      this.workdirText = workdirText;
      long fixed = 16 + 16 + 16 + 16 + Libc.SPAWN_STRUCT_SIZE + 8L * (args.size() + 1);
      long size = fixed + Ffi.stringSize(workdirText);
      for (String arg : args) {
        size += Ffi.stringSize(arg);
      }
      base = ffi.calloc(size);
      errno = base;
      fds = base + 16;
      pid = base + 32;
      event = base + 48;
      actions = base + 64;
      argv = actions + Libc.SPAWN_STRUCT_SIZE;
      workdir = argv + 8L * (args.size() + 1);
      long text = ffi.putString(workdir, workdirText);
      path = text;
      for (int i = 0; i < args.size(); i++) {
        ffi.setLong(argv + 8L * i, text);
        text = ffi.putString(text, args.get(i));
      }
    }
  }
}
