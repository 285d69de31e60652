package io.isostack.correlator.metrics;

import io.isostack.correlator.receiver.RequestRefusals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * {@code correlator.requests.refused} (counter, requests; tag {@code reason}: {@code wrong-host},
 * {@code cross-origin}, {@code unauthenticated}): requests both receivers refused for who sent them
 * ({@link RequestRefusals}). Thread-safe.
 */
public final class RequestRefusalMetrics implements MeterBinder {
  private final RequestRefusals refusals;

  /** Binds the counters of {@code refusals}. */
  public RequestRefusalMetrics(RequestRefusals refusals) {
    this.refusals = Objects.requireNonNull(refusals, "refusals");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (RequestRefusals.Reason r : RequestRefusals.Reason.values()) {
      FunctionCounter.builder("correlator.requests.refused", refusals, t -> t.count(r))
          .description(
              "Requests refused for their Host or :authority, origin or bearer token, by reason")
          .baseUnit("requests")
          .tag("reason", r.tag())
          .register(registry);
    }
  }
}
