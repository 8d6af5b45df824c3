package dev.rcx.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rcx.spawn.Ffi.C;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

/**
 * The errno a failed C call leaves lands in the buffer the caller passed, call after call: what
 * {@link IoLoop} reads to tell "no data yet" (EAGAIN) from a failure.
 */
class FfiTest {
  private static final int EBADF = 9;
  private static final int ESRCH = 3;

  @Test
  void functionWithErrno_failedCalls_errnoInTheCallersBuffer() throws Throwable {
    Ffi ffi = Ffi.load();
    MethodHandle close = ffi.functionWithErrno("close", C.INT, C.INT);
    MethodHandle pidfdOpen = ffi.functionWithErrno("pidfd_open", C.INT, C.INT, C.INT);
    long first = ffi.calloc(ffi.errnoBufferSize());
    long second = ffi.calloc(ffi.errnoBufferSize());
    try {
      for (int i = 0; i < 1000; i++) { // many calls: also once the call sites are compiled
        assertThat((int) close.invokeExact(first, -1)).isEqualTo(-1);
        // Above Linux's largest pid_max (2^22): no such process.
        assertThat((int) pidfdOpen.invokeExact(second, 4_194_304 + 17, 0)).isEqualTo(-1);
        assertThat(ffi.errno(first)).isEqualTo(EBADF);
        assertThat(ffi.errno(second)).isEqualTo(ESRCH);
      }
    } finally {
      ffi.free(first);
      ffi.free(second);
    }
  }
}
