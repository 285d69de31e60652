package io.isostack.correlator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import java.util.Set;

/**
 * Prometheus names without a repeated unit: Micrometer's {@link PrometheusNamingConvention} appends
 * the base unit to every counter and gauge whose name does not end with it, so {@code
 * correlator.records.received} (unit {@code records}) would become {@code
 * correlator_records_received_records_total}. For {@code correlator.*} meters this convention
 * appends only measurement units ({@code bytes}, {@code seconds}) and only when the name does not
 * say them already: {@code correlator_records_received_total}, {@code
 * correlator_bytes_received_total}, {@code correlator_finding_delay_seconds}. Count units such as
 * {@code records} stay in the meter's metadata. Other meters (the JVM binders) keep Micrometer's
 * names, e.g. {@code jvm_threads_live_threads}, so that stock dashboards find them. Stateless.
 */
final class CorrelatorNamingConvention implements NamingConvention {
  private static final String PREFIX = "correlator.";
  private static final Set<String> MEASUREMENT_UNITS = Set.of("bytes", "seconds");

  private final NamingConvention prometheus = new PrometheusNamingConvention();

  @Override
  public String name(String name, Meter.Type type, String baseUnit) {
    if (name.startsWith(PREFIX) && baseUnit != null) {
      boolean said = ("." + name + ".").contains("." + baseUnit + ".");
      if (said || !MEASUREMENT_UNITS.contains(baseUnit)) {
        return prometheus.name(name, type, null);
      }
    }
    return prometheus.name(name, type, baseUnit);
  }

  @Override
  public String tagKey(String key) {
    return prometheus.tagKey(key);
  }

  @Override
  public String tagValue(String value) {
    return prometheus.tagValue(value);
  }
}
