package dev.rcx.spawn;

import dev.rcx.spawn.Ffi.C;
import java.io.IOException;
import java.lang.invoke.MethodHandle;

/**
 * The Linux/glibc functions and constants {@link NativeLauncher} and {@link IoLoop} use, bound
 * once.
 *
 * <p>Constants are the Linux values shared by x86_64 and aarch64, the only two architectures
 * accepted; the one layout that differs between them, {@code struct epoll_event}, is described by
 * {@link #epollEventSize} and {@link #epollDataOffset}.
 */
final class Libc {
  static final int O_RDONLY = 0;
  static final int O_NONBLOCK = 0x800;
  static final int O_CLOEXEC = 0x80000;
  static final int F_SETFL = 4;
  static final int F_DUPFD_CLOEXEC = 1030;
  static final int EPOLL_CTL_ADD = 1;
  static final int EPOLL_CTL_DEL = 2;
  static final int EPOLLIN = 0x1;
  static final int WNOHANG = 1;
  static final int WEXITED = 4;
  static final int WNOWAIT = 0x01000000;
  static final int P_PID = 1;

  /** {@code siginfo_t} is 128 bytes on Linux; {@code si_pid} sits at offset 16 on 64-bit. */
  static final long SIGINFO_SIZE = 128;

  private static final long SI_PID_OFFSET = 16;
  static final int SIGKILL = 9;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  static final short POSIX_SPAWN_SETSID = 0x80;

  /**
   * Larger than glibc's {@code posix_spawn_file_actions_t} (80 bytes) and {@code posix_spawnattr_t}
   * (336 bytes).
   */
  static final long SPAWN_STRUCT_SIZE = 512;

  /** Larger than glibc's {@code sigset_t} (128 bytes). */
  static final long SIGSET_SIZE = 256;

  final Ffi ffi;
  final int epollEventSize;
  final int epollDataOffset;
  final MethodHandle pipe2;
  final MethodHandle fcntl;
  final MethodHandle close;
  final MethodHandle read;
  final MethodHandle write;
  final MethodHandle kill;
  final MethodHandle waitpid;
  final MethodHandle waitid;
  final MethodHandle pidfdOpen;
  final MethodHandle epollCreate1;
  final MethodHandle epollCtl;
  final MethodHandle epollWait;
  final MethodHandle eventfd;
  final MethodHandle strerror;
  final MethodHandle posixSpawn;
  final MethodHandle actionsInit;
  final MethodHandle actionsDestroy;
  final MethodHandle actionsAddOpen;
  final MethodHandle actionsAddDup2;
  final MethodHandle actionsAddChdir;
  final MethodHandle actionsAddClosefrom;
  final MethodHandle attrInit;
  final MethodHandle attrSetFlags;
  final MethodHandle attrSetSigMask;
  final MethodHandle attrSetSigDefault;
  final MethodHandle sigEmptySet;
  final MethodHandle sigFillSet;

  private Libc(Ffi ffi, int epollEventSize, int epollDataOffset) {
    this.ffi = ffi;
    this.epollEventSize = epollEventSize;
    this.epollDataOffset = epollDataOffset;
    pipe2 = ffi.functionWithErrno("pipe2", C.INT, C.POINTER, C.INT);
    fcntl = ffi.functionWithErrno("fcntl", C.INT, C.INT, C.INT, C.INT);
    close = ffi.function("close", C.INT, C.INT);
    read = ffi.functionWithErrno("read", C.LONG, C.INT, C.POINTER, C.LONG);
    write = ffi.function("write", C.LONG, C.INT, C.POINTER, C.LONG);
    kill = ffi.function("kill", C.INT, C.INT, C.INT);
    waitpid = ffi.functionWithErrno("waitpid", C.INT, C.INT, C.POINTER, C.INT);
    waitid = ffi.functionWithErrno("waitid", C.INT, C.INT, C.INT, C.POINTER, C.INT);
    pidfdOpen = ffi.functionWithErrno("pidfd_open", C.INT, C.INT, C.INT);
    epollCreate1 = ffi.functionWithErrno("epoll_create1", C.INT, C.INT);
    epollCtl = ffi.functionWithErrno("epoll_ctl", C.INT, C.INT, C.INT, C.INT, C.POINTER);
    epollWait = ffi.functionWithErrno("epoll_wait", C.INT, C.INT, C.POINTER, C.INT, C.INT);
    eventfd = ffi.functionWithErrno("eventfd", C.INT, C.INT, C.INT);
    strerror = ffi.function("strerror", C.POINTER, C.INT);
    posixSpawn =
        ffi.function(
            "posix_spawn", C.INT, C.POINTER, C.POINTER, C.POINTER, C.POINTER, C.POINTER, C.POINTER);
    actionsInit = ffi.function("posix_spawn_file_actions_init", C.INT, C.POINTER);
    actionsDestroy = ffi.function("posix_spawn_file_actions_destroy", C.INT, C.POINTER);
    actionsAddOpen =
        ffi.function(
            "posix_spawn_file_actions_addopen", C.INT, C.POINTER, C.INT, C.POINTER, C.INT, C.INT);
    actionsAddDup2 =
        ffi.function("posix_spawn_file_actions_adddup2", C.INT, C.POINTER, C.INT, C.INT);
    actionsAddChdir =
        ffi.function("posix_spawn_file_actions_addchdir_np", C.INT, C.POINTER, C.POINTER);
    actionsAddClosefrom =
        ffi.function("posix_spawn_file_actions_addclosefrom_np", C.INT, C.POINTER, C.INT);
    attrInit = ffi.function("posix_spawnattr_init", C.INT, C.POINTER);
    attrSetFlags = ffi.function("posix_spawnattr_setflags", C.INT, C.POINTER, C.SHORT);
    attrSetSigMask = ffi.function("posix_spawnattr_setsigmask", C.INT, C.POINTER, C.POINTER);
    attrSetSigDefault = ffi.function("posix_spawnattr_setsigdefault", C.INT, C.POINTER, C.POINTER);
    sigEmptySet = ffi.function("sigemptyset", C.INT, C.POINTER);
    sigFillSet = ffi.function("sigfillset", C.INT, C.POINTER);
  }

  /**
   * Binds everything, or says why this platform cannot: not Linux on x86_64/aarch64, a JDK without
   * the foreign function API, or a C library without one of the functions (glibc before 2.34 lacks
   * {@code addclosefrom_np}).
   */
  static Libc load() throws UnsupportedOperationException {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.equals("Linux")) {
      throw new UnsupportedOperationException("the native launcher needs Linux, this is " + os);
    }
    return switch (arch) {
      case "amd64", "x86_64" ->
          new Libc(Ffi.load(), 12, 4); // struct epoll_event is packed on x86_64
      case "aarch64" -> new Libc(Ffi.load(), 16, 8);
      default ->
          throw new UnsupportedOperationException(
              "the native launcher supports amd64 and aarch64, not " + arch);
    };
  }

  /** The C library's text for {@code errno}. */
  String describe(int errno) {
    try {
      long text = (long) strerror.invokeExact(errno);
      return "error=" + errno + ", " + (text == 0 ? "unknown" : ffi.getString(text, 200));
    } catch (Throwable t) {
      return "error=" + errno;
    }
  }

  IOException failure(String call, int errno) {
    return new IOException(call + " failed: " + describe(errno));
  }

  /**
   * Closes {@code fd}, ignoring errors: after close(2) fails on Linux the descriptor is released
   * anyway.
   */
  void closeQuietly(int fd) {
    try {
      int ignored = (int) close.invokeExact(fd);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  /** What {@link #probe} found. */
  enum ChildState {
    RUNNING,
    EXITED,
    NOT_A_CHILD
  }

  /**
   * Whether child {@code pid} has exited, without reaping it ({@code WNOWAIT}).
   *
   * @param siginfo scratch of {@link #SIGINFO_SIZE} bytes
   */
  ChildState probe(int pid, long errnoBuffer, long siginfo) {
    ffi.setLong(siginfo + SI_PID_OFFSET, 0);
    int rc;
    try {
      rc = (int) waitid.invokeExact(errnoBuffer, P_PID, pid, siginfo, WEXITED | WNOHANG | WNOWAIT);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (rc != 0) {
      return ChildState.NOT_A_CHILD;
    }
    return ffi.getInt(siginfo + SI_PID_OFFSET) != 0 ? ChildState.EXITED : ChildState.RUNNING;
  }

  /**
   * Sends {@code signal} to {@code pid} (a process group if negative); false if there was no such
   * process.
   */
  boolean signal(int pid, int signal) {
    try {
      return (int) kill.invokeExact(pid, signal) == 0;
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }
}
