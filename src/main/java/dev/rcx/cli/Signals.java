package dev.rcx.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * POSIX signal handlers through {@code sun.misc.Signal} (module {@code jdk.unsupported}, present
 * and working through JDK 25), reached by reflection: a compile-time reference draws javac's
 * "internal proprietary API" warning, which no option or annotation silences, and the build treats
 * warnings as errors. Behaviour is that of calling {@code Signal.handle} directly.
 */
final class Signals {
  private static final Class<?> SIGNAL;
  private static final Class<?> HANDLER;
  private static final Constructor<?> NEW_SIGNAL;
  private static final Method HANDLE;

  static {
    try {
      SIGNAL = Class.forName("sun.misc.Signal");
      HANDLER = Class.forName("sun.misc.SignalHandler");
      NEW_SIGNAL = SIGNAL.getConstructor(String.class);
      HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Signals() {}

  /**
   * Runs {@code action} on the JVM's signal thread each time signal {@code name} ("INT", "TERM",
   * "HUP") arrives, instead of the default action.
   *
   * @return the handler it replaces, for {@link #restore}
   * @throws IllegalArgumentException if the JVM reserves the signal (for example {@code java -Xrs})
   */
  // The proxy's equals is identity, as Object's.
  @SuppressWarnings("ReferenceEquality")
  static Object handle(String name, Runnable action) {
    Object handler =
        Proxy.newProxyInstance(
            Signals.class.getClassLoader(),
            new Class<?>[] {HANDLER},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "handle" -> {
                    action.run();
                    yield null;
                  }
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> args != null && proxy == args[0];
                  case "toString" -> "rcx handler for SIG" + name;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
    return install(name, handler);
  }

  /** Puts back a handler that {@link #handle} returned. */
  static void restore(String name, Object previous) {
    install(name, previous);
  }

  private static Object install(String name, Object handler) {
    try {
      return HANDLE.invoke(null, NEW_SIGNAL.newInstance(name), handler);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r; // IllegalArgumentException: a reserved or unknown signal
      }
      throw new IllegalStateException("cannot handle SIG" + name, e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot handle SIG" + name + ": " + e, e);
    }
  }
}
