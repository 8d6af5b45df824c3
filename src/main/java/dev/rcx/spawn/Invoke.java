package dev.rcx.spawn;

/**
 * Turns what {@code MethodHandle.invokeExact} declares ({@link Throwable}) back into what a C call
 * can throw.
 */
final class Invoke {
  private Invoke() {}

  static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("native call failed", t);
  }
}
