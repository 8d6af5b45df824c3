package dev.rcx.spawn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Calls C library functions through the Foreign Function &amp; Memory API, bound reflectively.
 *
 * <p>Why reflectively: the build targets release 21, where {@code java.lang.foreign} is a preview
 * API that javac refuses without {@code --enable-preview} (and preview class files do not load on
 * later JDKs); from JDK 22 on the API is final and simply there at run time. Everything reflective
 * happens once, in {@link #load()}; what callers get are method handles over primitives only,
 * pointers being {@code long} addresses, so call sites use {@code invokeExact}.
 *
 * <p>Native memory is reached through one segment spanning the whole address space; callers own
 * what they allocate ({@link #calloc}, {@link #free}) and must keep every access inside it.
 */
final class Ffi {
  /** C types of parameters and results. */
  enum C {
    INT,
    LONG,
    SHORT,
    POINTER,
    VOID
  }

  private static final MethodHandles.Lookup LOOKUP =
      MethodHandles.lookup(); // reinterpret is caller-sensitive

  private final Class<?> linkerClass;
  private final Class<?> lookupClass;
  private final Class<?> valueLayoutClass;
  private final Class<?> optionClass;
  private final Class<?> descriptorClass;
  private final Object linker;
  private final Object libc;
  private final Class<?> segmentClass;
  private final Class<?> layoutClass;
  private final Object int32;
  private final Object int64;
  private final Object int16;
  private final Object address;
  private final MethodHandle ofAddress;
  private final MethodHandle addressOf;
  private final MethodHandle errnoSegment;
  private final Object captureErrno;
  private final long errnoOffset;
  private final long captureSize;
  private final MethodHandle getInt;
  private final MethodHandle setInt;
  private final MethodHandle getByte;
  private final MethodHandle getLong;
  private final MethodHandle setLong;
  private final MethodHandle copyOut;
  private final MethodHandle copyIn;
  private final MethodHandle callocHandle;
  private final MethodHandle freeHandle;

  private Ffi() throws ReflectiveOperationException {
    linkerClass = Class.forName("java.lang.foreign.Linker");
    lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
    valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
    optionClass = Class.forName("java.lang.foreign.Linker$Option");
    descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
    segmentClass = Class.forName("java.lang.foreign.MemorySegment");
    layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
    linker = linkerClass.getMethod("nativeLinker").invoke(null);
    libc = linkerClass.getMethod("defaultLookup").invoke(linker);
    // Function descriptors need naturally aligned layouts; memory access uses unaligned ones
    // (epoll_event is packed).
    int32 = valueLayoutClass.getField("JAVA_INT").get(null);
    int64 = valueLayoutClass.getField("JAVA_LONG").get(null);
    int16 = valueLayoutClass.getField("JAVA_SHORT").get(null);
    Object int32Unaligned = valueLayoutClass.getField("JAVA_INT_UNALIGNED").get(null);
    Object int64Unaligned = valueLayoutClass.getField("JAVA_LONG_UNALIGNED").get(null);
    Object int8 = valueLayoutClass.getField("JAVA_BYTE").get(null);
    address = valueLayoutClass.getField("ADDRESS").get(null);
    ofAddress =
        LOOKUP.findStatic(
            segmentClass, "ofAddress", MethodType.methodType(segmentClass, long.class));
    addressOf = LOOKUP.findVirtual(segmentClass, "address", MethodType.methodType(long.class));

    Object names = Array.newInstance(String.class, 1);
    Array.set(names, 0, "errno");
    captureErrno = optionClass.getMethod("captureCallState", String[].class).invoke(null, names);
    Object stateLayout = optionClass.getMethod("captureStateLayout").invoke(null);
    captureSize = (long) layoutClass.getMethod("byteSize").invoke(stateLayout);
    errnoOffset = byteOffset(stateLayout, "errno");
    Object nullSegment = segmentClass.getField("NULL").get(null);
    Object everything =
        segmentClass.getMethod("reinterpret", long.class).invoke(nullSegment, Long.MAX_VALUE);
    // The capture buffer is written by the downcall, so it must be a segment of the right size, not
    // zero-length: a slice of the whole address space. Not reinterpret per call: it is
    // caller-sensitive, so each call walked the stack to find its caller.
    MethodHandle asSlice =
        LOOKUP.findVirtual(
            segmentClass, "asSlice", MethodType.methodType(segmentClass, long.class, long.class));
    // (address) -> everything.asSlice(address, captureSize)
    errnoSegment =
        MethodHandles.insertArguments(
            MethodHandles.insertArguments(asSlice, 2, captureSize), 0, everything);
    getInt = access(int32Unaligned, VarHandle.AccessMode.GET, everything);
    setInt = access(int32Unaligned, VarHandle.AccessMode.SET, everything);
    getByte = access(int8, VarHandle.AccessMode.GET, everything);
    getLong = access(int64Unaligned, VarHandle.AccessMode.GET, everything);
    setLong = access(int64Unaligned, VarHandle.AccessMode.SET, everything);
    copyOut =
        MethodHandles.insertArguments(
            LOOKUP.findStatic(
                segmentClass,
                "copy",
                MethodType.methodType(
                    void.class,
                    segmentClass,
                    valueLayoutClass,
                    long.class,
                    Object.class,
                    int.class,
                    int.class)),
            0,
            everything,
            int8);
    copyIn =
        MethodHandles.insertArguments(
            LOOKUP.findStatic(
                segmentClass,
                "copy",
                MethodType.methodType(
                    void.class,
                    Object.class,
                    int.class,
                    segmentClass,
                    valueLayoutClass,
                    long.class,
                    int.class)),
            2,
            everything,
            int8);
    callocHandle = function("calloc", C.POINTER, C.LONG, C.LONG);
    freeHandle = function("free", C.VOID, C.POINTER);
  }

  /**
   * Binds the API.
   *
   * @throws UnsupportedOperationException saying why not: the JDK is older than 22, or the platform
   *     has no linker
   */
  static Ffi load() throws UnsupportedOperationException {
    if (Runtime.version().feature() < 22) {
      throw new UnsupportedOperationException(
          "the foreign function API needs JDK 22 or later, this is " + Runtime.version());
    }
    try {
      return new Ffi();
    } catch (InvocationTargetException e) {
      throw new UnsupportedOperationException(
          "cannot bind the foreign function API: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new UnsupportedOperationException("cannot bind the foreign function API: " + e, e);
    }
  }

  /**
   * Whether this code's module may call restricted methods without the JDK printing a warning (JDK
   * 22+).
   */
  static boolean nativeAccessEnabled() {
    try {
      Method enabled = Module.class.getMethod("isNativeAccessEnabled");
      return (boolean) enabled.invoke(Ffi.class.getModule());
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /**
   * A handle on C function {@code name} with pointers as {@code long}; type {@code
   * (params...)result}.
   *
   * @throws UnsupportedOperationException if the C library does not export {@code name}
   */
  MethodHandle function(String name, C result, C... params) {
    return bind(name, false, result, params);
  }

  /**
   * Like {@link #function}, but with a leading {@code long} parameter: the address of a buffer of
   * {@link #errnoBufferSize()} bytes that receives {@code errno} right after the call; read it with
   * {@link #errno}.
   */
  MethodHandle functionWithErrno(String name, C result, C... params) {
    return bind(name, true, result, params);
  }

  long errnoBufferSize() {
    return captureSize;
  }

  int errno(long errnoBuffer) {
    return getInt(errnoBuffer + errnoOffset);
  }

  /** Zeroed native memory; throws {@link OutOfMemoryError} if there is none. */
  long calloc(long bytes) {
    long p;
    try {
      p = (long) callocHandle.invokeExact(1L, bytes);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    if (p == 0) {
      throw new OutOfMemoryError("calloc of " + bytes + " bytes failed");
    }
    return p;
  }

  void free(long pointer) {
    try {
      freeHandle.invokeExact(pointer);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  int getInt(long at) {
    try {
      return (int) getInt.invokeExact(at);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  void setInt(long at, int value) {
    try {
      setInt.invokeExact(at, value);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  long getLong(long at) {
    try {
      return (long) getLong.invokeExact(at);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  void setLong(long at, long value) {
    try {
      setLong.invokeExact(at, value);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  /** Copies {@code count} bytes from native {@code from} into {@code to[offset..]}. */
  void copy(long from, byte[] to, int offset, int count) {
    try {
      copyOut.invokeExact(from, (Object) to, offset, count);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
  }

  /**
   * Writes {@code s} as a NUL-terminated UTF-8 string at {@code at}; returns the address after the
   * NUL.
   */
  long putString(long at, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    try {
      copyIn.invokeExact((Object) bytes, 0, at, bytes.length);
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    return at + bytes.length + 1;
  }

  /** Bytes {@link #putString} needs for {@code s}. */
  static long stringSize(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length + 1L;
  }

  /** Reads a NUL-terminated string of at most {@code max} bytes. */
  String getString(long at, int max) {
    byte[] bytes = new byte[max];
    int n = 0;
    try {
      while (n < max) {
        byte b = (byte) getByte.invokeExact(at + n);
        if (b == 0) {
          break;
        }
        bytes[n++] = b;
      }
    } catch (Throwable t) {
      throw Invoke.unchecked(t);
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  private MethodHandle bind(String name, boolean errno, C result, C... params) {
    Object symbol =
        lookup(name)
            .orElseThrow(
                () -> new UnsupportedOperationException("the C library has no function " + name));
    try {
      Object descriptor = descriptor(result, params);
      Object options = Array.newInstance(optionClass, errno ? 1 : 0);
      if (errno) {
        Array.set(options, 0, captureErrno);
      }
      MethodHandle raw =
          (MethodHandle)
              linkerClass
                  .getMethod("downcallHandle", segmentClass, descriptorClass, options.getClass())
                  .invoke(linker, symbol, descriptor, options);
      return pointersAsLongs(raw, errno, result, params);
    } catch (InvocationTargetException e) {
      throw new UnsupportedOperationException(
          "cannot bind " + name + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new UnsupportedOperationException("cannot bind " + name + ": " + e, e);
    }
  }

  private MethodHandle pointersAsLongs(MethodHandle raw, boolean errno, C result, C... params) {
    MethodHandle handle = raw;
    int first = errno ? 1 : 0;
    if (errno) {
      handle = MethodHandles.filterArguments(handle, 0, errnoSegment);
    }
    for (int i = 0; i < params.length; i++) {
      if (params[i] == C.POINTER) {
        handle = MethodHandles.filterArguments(handle, first + i, ofAddress);
      }
    }
    if (result == C.POINTER) {
      handle = MethodHandles.filterReturnValue(handle, addressOf);
    }
    return handle;
  }

  private Object descriptor(C result, C... params) throws ReflectiveOperationException {
    Object layouts = Array.newInstance(layoutClass, params.length);
    for (int i = 0; i < params.length; i++) {
      Array.set(layouts, i, layout(params[i]));
    }
    if (result == C.VOID) {
      return descriptorClass.getMethod("ofVoid", layouts.getClass()).invoke(null, layouts);
    }
    return descriptorClass
        .getMethod("of", layoutClass, layouts.getClass())
        .invoke(null, layout(result), layouts);
  }

  private Object layout(C type) {
    return switch (type) {
      case INT -> int32;
      case LONG -> int64;
      case SHORT -> int16;
      case POINTER -> address;
      case VOID -> throw new IllegalArgumentException("void is not a parameter type");
    };
  }

  @SuppressWarnings("unchecked")
  private Optional<Object> lookup(String name) {
    try {
      return (Optional<Object>) lookupClass.getMethod("find", String.class).invoke(libc, name);
    } catch (ReflectiveOperationException e) {
      return Optional.empty();
    }
  }

  private MethodHandle access(Object layout, VarHandle.AccessMode mode, Object everything)
      throws ReflectiveOperationException {
    VarHandle handle = (VarHandle) valueLayoutClass.getMethod("varHandle").invoke(layout);
    return MethodHandles.insertArguments(handle.toMethodHandle(mode), 0, everything);
  }

  private long byteOffset(Object structLayout, String member) throws ReflectiveOperationException {
    Class<?> pathClass = Class.forName("java.lang.foreign.MemoryLayout$PathElement");
    Object path = Array.newInstance(pathClass, 1);
    Array.set(path, 0, pathClass.getMethod("groupElement", String.class).invoke(null, member));
    return (long) layoutClass.getMethod("byteOffset", path.getClass()).invoke(structLayout, path);
  }
}
