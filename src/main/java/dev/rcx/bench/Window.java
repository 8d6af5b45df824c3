package dev.rcx.bench;

/**
 * The measured part of a run, in {@link NanoClock} time. An operation belongs to the window if its
 * intended start falls in {@code [start, end)}; operations due before {@code start} are warm-up. No
 * operation is started after {@code hardStop}, the limit for an open loop that fell behind to catch
 * up.
 */
record Window(long start, long end, long hardStop) {
  Window {
    if (end < start || hardStop < end) {
      throw new IllegalArgumentException(
          "window must satisfy start <= end <= hardStop but was "
              + start
              + ", "
              + end
              + ", "
              + hardStop);
    }
  }

  boolean measures(long due) {
    return due >= start && due < end;
  }

  double seconds() {
    return (end - start) / 1e9;
  }
}
