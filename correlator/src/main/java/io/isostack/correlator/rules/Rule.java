package io.isostack.correlator.rules;

import io.isostack.model.EventName;
import io.isostack.model.IsolationLayer;
import java.util.Objects;

/**
 * One row of the rule table: an event name plus conditions mapped to a layer and a cause.
 *
 * @param id unique id, for reports and overrides
 * @param event the event name it applies to
 * @param condition the conditions on the event and its context
 * @param layer the layer, or null when the layer is that of the socket's device ({@code $device})
 * @param network whether the finding is in the layer's network slice
 * @param cause short cause code, e.g. {@code cpu-throttle}
 * @param causeTitle the cause as reports print it, e.g. {@code CPU throttling}; the table's {@code
 *     title} field, or the cause code when the table gives none
 * @param join how the event must be joined to the hop
 * @param weight how the event explains span time
 * @param instantNanos time explained per event for {@link Weight#INSTANT}, and the wait of a first
 *     event for {@link Weight#BACKOFF}, nanoseconds
 * @param backoffMaxNanos the longest gap between two events of one 5-tuple that still counts as a
 *     backoff wait for {@link Weight#BACKOFF}, nanoseconds
 * @param detail a one-line template with placeholders {@code {entity}}, {@code {explained}}, {@code
 *     {count}}, {@code {value}} and any {@code {attr}}
 * @param explanation what the evidence means
 * @param remediation what to do about it
 * @param method the docs/METHOD.md section(s) it comes from
 */
public record Rule(
    String id,
    EventName event,
    Condition condition,
    IsolationLayer layer,
    boolean network,
    String cause,
    String causeTitle,
    Join join,
    Weight weight,
    long instantNanos,
    long backoffMaxNanos,
    String detail,
    String explanation,
    String remediation,
    String method) {

  /** Validates required fields. */
  public Rule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(causeTitle, "causeTitle");
    Objects.requireNonNull(join, "join");
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(remediation, "remediation");
    Objects.requireNonNull(method, "method");
    if (instantNanos < 0 || backoffMaxNanos < 0) {
      throw new IllegalArgumentException(
          "rule " + id + ": instantNanos or backoffMaxNanos negative");
    }
  }

  /** The layer for a hop: the rule's own, or the layer of the hop's device for {@code $device}. */
  public IsolationLayer layerFor(RuleContext context) {
    return layer != null ? layer : context.deviceKind().layer();
  }
}
