package io.isostack.correlator.finding;

import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import java.util.Objects;

/**
 * One kernel event joined to a slow hop, with how it was joined and what it means.
 *
 * @param event the event
 * @param entity a short description of the entity it is about, e.g. {@code cgroup /demo-backend},
 *     {@code pid 4242 tid 4250 (http-nio-8080-e)}, {@code 10.0.0.2:51544 -> 10.0.0.9:5432}
 * @param join how it reached the hop: {@code process}, {@code cgroup}, {@code container}, {@code
 *     pod}, {@code flow}, {@code endpoint} or {@code host}
 * @param layer the layer its rule names
 * @param network whether it is in the layer's network slice
 * @param cause its rule's cause code
 * @param causeTitle the cause as reports print it (the rule\'s {@code title}), e.g. {@code CPU
 *     throttling}
 * @param ruleId the id of the rule that matched
 * @param explainedNanos span self time this event explains by itself, nanoseconds (before the union
 *     with other events of the same cause)
 */
public record Evidence(
    KernelEvent event,
    String entity,
    String join,
    IsolationLayer layer,
    boolean network,
    String cause,
    String causeTitle,
    String ruleId,
    long explainedNanos) {

  /** Validates required fields. */
  public Evidence {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(join, "join");
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(causeTitle, "causeTitle");
    Objects.requireNonNull(ruleId, "ruleId");
  }
}
