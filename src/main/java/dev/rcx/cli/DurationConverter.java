package dev.rcx.cli;

import dev.rcx.config.ConfigException;
import dev.rcx.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an option value such as {@code 500ms}, {@code 10s} or {@code 5m}; zero is refused. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration d;
    try {
      d = Durations.parse("duration", value);
    } catch (ConfigException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a duration: use a number with ms, s, m or h, like 500ms, 10s, 5m");
    }
    if (d.toMillis() < 1) {
      throw new TypeConversionException("'" + value + "' is too short: the least is 1ms");
    }
    return d;
  }
}
