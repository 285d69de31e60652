package io.isostack.correlator.export;

import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.model.SpanView;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;

/**
 * A slow span re-emitted with its verdict: same trace id, span id, parent, name, kind, times and
 * status as the original, the verdict as attributes and each evidence as a span event.
 *
 * <p>The SDK's tracer cannot create a span with a given span id, so this is the finished span's
 * data built directly; it is also a {@link ReadableSpan} so that the SDK's own (batching) span
 * processors can take it through {@code onEnd}. Its resource is the original span's identity
 * ({@code service.name}, {@code host.name}, {@code process.pid}, {@code container.id}, {@code
 * k8s.pod.uid}) so that a backend places it on the original span's service; its scope names the
 * correlator. Immutable.
 */
final class FindingSpan implements SpanData, ReadableSpan {
  /** Marks a span as re-emitted by the correlator rather than recorded by the application. */
  static final AttributeKey<Boolean> ENRICHED = AttributeKey.booleanKey("isostack.enriched");

  private final SpanView span;
  private final SpanContext context;
  private final SpanContext parent;
  private final Attributes attributes;
  private final List<EventData> events;
  private final int evidenceCount;
  private final Resource resource;
  private final InstrumentationScopeInfo scope;

  private FindingSpan(Finding f, String verdict, int maxEvents, InstrumentationScopeInfo scope) {
    span = f.span();
    context =
        SpanContext.create(
            span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
    parent =
        span.parentSpanId() == null
            ? SpanContext.getInvalid()
            : SpanContext.createFromRemoteParent(
                span.traceId(),
                span.parentSpanId(),
                TraceFlags.getSampled(),
                TraceState.getDefault());
    attributes =
        FindingAttributes.verdict(f).toBuilder()
            .put(FindingAttributes.VERDICT, verdict)
            .put(ENRICHED, true)
            .build();
    List<EventData> ev = new ArrayList<>(Math.min(maxEvents, f.evidence().size()));
    for (Evidence e : f.evidence()) {
      if (ev.size() == maxEvents) {
        break;
      }
      ev.add(
          EventData.create(
              e.event().endEpochNanos(), e.event().name().wire(), FindingAttributes.evidence(e)));
    }
    events = List.copyOf(ev);
    evidenceCount = f.evidence().size();
    resource = resourceOf(span);
    this.scope = scope;
  }

  /**
   * The re-emitted span of a finding.
   *
   * @param f the finding
   * @param verdict its verdict line
   * @param maxEvents how many evidence events to attach at most (the rest are counted as dropped)
   * @param scope the correlator's instrumentation scope
   */
  static FindingSpan of(Finding f, String verdict, int maxEvents, InstrumentationScopeInfo scope) {
    return new FindingSpan(f, verdict, maxEvents, scope);
  }

  private static Resource resourceOf(SpanView s) {
    AttributesBuilder b = Attributes.builder().put("service.name", s.service());
    if (s.host() != null) {
      b.put("host.name", s.host());
    }
    if (s.pid() > 0) {
      b.put("process.pid", (long) s.pid());
    }
    if (s.containerId() != null) {
      b.put("container.id", s.containerId());
    }
    if (s.podUid() != null) {
      b.put("k8s.pod.uid", s.podUid());
    }
    if (s.executable() != null) {
      b.put("process.executable.name", s.executable());
    }
    return Resource.create(b.build());
  }

  private static SpanKind kind(io.isostack.model.SpanKind k) {
    return switch (k) {
      case SERVER -> SpanKind.SERVER;
      case CLIENT -> SpanKind.CLIENT;
      case PRODUCER -> SpanKind.PRODUCER;
      case CONSUMER -> SpanKind.CONSUMER;
      case INTERNAL, UNSPECIFIED -> SpanKind.INTERNAL;
    };
  }

  @Override
  public String getName() {
    return span.name();
  }

  @Override
  public SpanKind getKind() {
    return kind(span.kind());
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public StatusData getStatus() {
    return switch (span.status()) {
      case OK -> StatusData.ok();
      case ERROR -> StatusData.error();
      case UNSET -> StatusData.unset();
    };
  }

  @Override
  public long getStartEpochNanos() {
    return span.startEpochNanos();
  }

  @Override
  public long getEndEpochNanos() {
    return span.endEpochNanos();
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return List.of();
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return evidenceCount;
  }

  @Override
  public int getTotalRecordedLinks() {
    return 0;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  // Abstract in both interfaces although deprecated; the exporters read the scope above.
  @Override
  @SuppressWarnings("deprecation")
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public SpanData toSpanData() {
    return this;
  }

  @Override
  public long getLatencyNanos() {
    return span.durationNanos();
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    return attributes.get(key);
  }
}
