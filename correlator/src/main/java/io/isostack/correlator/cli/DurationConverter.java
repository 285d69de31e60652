package io.isostack.correlator.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations such as {@code 250ms}, {@code 1.5s}, {@code 800us}, {@code 2m} or ISO-8601
 * {@code PT0.25S} into nanoseconds.
 */
final class DurationConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt")) {
        return Duration.parse(value.trim()).toNanos();
      }
      String[][] units = {
        {"ns", "1"},
        {"us", "1000"},
        {"µs", "1000"},
        {"ms", "1000000"},
        {"s", "1000000000"},
        {"m", "60000000000"}
      };
      for (String[] u : units) {
        if (v.endsWith(u[0])) {
          String number = v.substring(0, v.length() - u[0].length()).trim();
          if (u[0].equals("s")
              && (number.endsWith("m") || number.endsWith("u") || number.endsWith("n"))) {
            continue;
          }
          return Math.round(Double.parseDouble(number) * Long.parseLong(u[1]));
        }
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (e.g. 250ms, 1.5s, PT1S)");
    }
    throw new TypeConversionException(
        "'" + value + "' has no unit: write e.g. 250ms, 1.5s, 800us, 2m or PT1S");
  }
}
