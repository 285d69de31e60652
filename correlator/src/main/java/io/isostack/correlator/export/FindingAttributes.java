package io.isostack.correlator.export;

import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Durations;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.model.FlowKey;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The attributes a finding is exported with, documented in docs/OTLP-EXPORT.md.
 *
 * <p>Names follow the OpenTelemetry semantic conventions where one exists for the thing (the
 * evidence's {@code process.pid}, {@code thread.id}, {@code container.id}, {@code
 * network.peer.address}...); everything about the verdict and its subject lives in the project's
 * {@code isostack.*} namespace, because {@code service.name} and friends are resource attributes
 * describing the exporter, not the span the finding is about. Durations are seconds as doubles, as
 * the semantic conventions ask of durations. Stateless.
 */
final class FindingAttributes {
  static final AttributeKey<String> LAYER = AttributeKey.stringKey("isostack.layer");
  static final AttributeKey<String> LAYER_TITLE = AttributeKey.stringKey("isostack.layer.title");
  static final AttributeKey<Boolean> NETWORK_SLICE =
      AttributeKey.booleanKey("isostack.network_slice");
  static final AttributeKey<String> CAUSE = AttributeKey.stringKey("isostack.cause");
  static final AttributeKey<Double> CONFIDENCE = AttributeKey.doubleKey("isostack.confidence");
  static final AttributeKey<Double> EXPLAINED_DURATION =
      AttributeKey.doubleKey("isostack.explained.duration");
  static final AttributeKey<String> SLOW_REASON = AttributeKey.stringKey("isostack.slow_reason");
  static final AttributeKey<Double> BASELINE_DURATION =
      AttributeKey.doubleKey("isostack.baseline.duration");
  static final AttributeKey<Double> REQUEST_DURATION =
      AttributeKey.doubleKey("isostack.request.duration");
  static final AttributeKey<Double> REQUEST_SHARE =
      AttributeKey.doubleKey("isostack.request.share");
  static final AttributeKey<String> DETAIL = AttributeKey.stringKey("isostack.detail");
  static final AttributeKey<String> REMEDIATION = AttributeKey.stringKey("isostack.remediation");
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("isostack.method");
  static final AttributeKey<List<String>> NOTES = AttributeKey.stringArrayKey("isostack.notes");
  static final AttributeKey<String> OTHER_CONSUMERS =
      AttributeKey.stringKey("isostack.other_consumers");
  static final AttributeKey<String> VERDICT = AttributeKey.stringKey("isostack.verdict");

  static final AttributeKey<String> SPAN_SERVICE =
      AttributeKey.stringKey("isostack.span.service.name");
  static final AttributeKey<String> SPAN_NAME = AttributeKey.stringKey("isostack.span.name");
  static final AttributeKey<String> SPAN_KIND = AttributeKey.stringKey("isostack.span.kind");
  static final AttributeKey<Double> SPAN_DURATION =
      AttributeKey.doubleKey("isostack.span.duration");
  static final AttributeKey<Double> SELF_DURATION =
      AttributeKey.doubleKey("isostack.span.self.duration");
  static final AttributeKey<String> SPAN_HOST = AttributeKey.stringKey("isostack.span.host.name");
  static final AttributeKey<List<String>> SPAN_PATH =
      AttributeKey.stringArrayKey("isostack.span.path");

  static final AttributeKey<Long> EVIDENCE_COUNT = AttributeKey.longKey("isostack.evidence.count");
  static final AttributeKey<List<String>> EVIDENCE_SIGNALS =
      AttributeKey.stringArrayKey("isostack.evidence.signals");
  static final AttributeKey<List<String>> EVIDENCE_TOP =
      AttributeKey.stringArrayKey("isostack.evidence.top");
  static final AttributeKey<List<String>> CHAIN = AttributeKey.stringArrayKey("isostack.chain");

  // Span events: one per evidence, named for the kernel event (cpu.throttled, sched.offcpu...).
  static final AttributeKey<String> EVENT_ENTITY = AttributeKey.stringKey("isostack.event.entity");
  static final AttributeKey<String> EVENT_JOIN = AttributeKey.stringKey("isostack.event.join");
  static final AttributeKey<String> EVENT_RULE = AttributeKey.stringKey("isostack.event.rule");
  static final AttributeKey<String> EVENT_SOURCE = AttributeKey.stringKey("isostack.event.source");
  static final AttributeKey<String> EVENT_HOST = AttributeKey.stringKey("isostack.event.host.name");
  static final AttributeKey<Double> EVENT_DURATION =
      AttributeKey.doubleKey("isostack.event.duration");
  static final AttributeKey<Double> EVENT_VALUE = AttributeKey.doubleKey("isostack.event.value");
  static final AttributeKey<String> EVENT_UNIT = AttributeKey.stringKey("isostack.event.unit");
  static final AttributeKey<Double> EVENT_EXPLAINED =
      AttributeKey.doubleKey("isostack.event.explained.duration");
  static final AttributeKey<String> EVENT_CGROUP = AttributeKey.stringKey("isostack.event.cgroup");
  static final String EVENT_ATTR_PREFIX = "isostack.event.attr.";
  static final AttributeKey<Long> PROCESS_PID = AttributeKey.longKey("process.pid");
  static final AttributeKey<Long> THREAD_ID = AttributeKey.longKey("thread.id");
  static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  static final AttributeKey<String> CONTAINER_ID = AttributeKey.stringKey("container.id");
  static final AttributeKey<String> POD_UID = AttributeKey.stringKey("k8s.pod.uid");
  static final AttributeKey<String> LOCAL_ADDRESS = AttributeKey.stringKey("network.local.address");
  static final AttributeKey<Long> LOCAL_PORT = AttributeKey.longKey("network.local.port");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("network.transport");
  static final AttributeKey<String> DEVICE = AttributeKey.stringKey("isostack.event.device");

  /** How many evidence lines {@link #EVIDENCE_TOP} holds at most. */
  static final int TOP_EVIDENCE = 3;

  private FindingAttributes() {}

  /** Seconds as a double from nanoseconds; exact to the nanosecond below about 104 days. */
  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /**
   * Whether a finding is about a kernel layer (L-0..L-4 or host) rather than the application or an
   * unobserved kernel.
   */
  static boolean isKernel(Finding f) {
    return f.layer() != IsolationLayer.APPLICATION && f.layer() != IsolationLayer.UNKNOWN;
  }

  /** The attributes of a finding's log record, and of its re-emitted span. */
  static Attributes verdict(Finding f) {
    SpanView s = f.span();
    AttributesBuilder b = Attributes.builder();
    b.put(LAYER, f.layer().code());
    b.put(LAYER_TITLE, f.layer().title());
    b.put(NETWORK_SLICE, f.network());
    b.put(CAUSE, f.cause());
    b.put(CONFIDENCE, Math.round(f.confidence() * 100) / 100.0);
    b.put(EXPLAINED_DURATION, seconds(f.explainedNanos()));
    b.put(SLOW_REASON, f.slowReason());
    if (f.baselineNanos() >= 0) {
      b.put(BASELINE_DURATION, seconds(f.baselineNanos()));
    }
    if (f.inSlowRequest()) {
      b.put(REQUEST_DURATION, seconds(f.requestNanos()));
      b.put(REQUEST_SHARE, Math.round(f.requestShare() * 1000) / 1000.0);
    }
    putIfSet(b, DETAIL, f.detail());
    putIfSet(b, REMEDIATION, f.remediation());
    putIfSet(b, METHOD, f.method());
    if (!f.notes().isEmpty()) {
      b.put(NOTES, f.notes());
    }
    putIfSet(b, OTHER_CONSUMERS, FindingText.otherConsumers(f));
    b.put(SPAN_SERVICE, s.service());
    b.put(SPAN_NAME, s.name());
    b.put(SPAN_KIND, s.kind().name());
    b.put(SPAN_DURATION, seconds(s.durationNanos()));
    b.put(SELF_DURATION, seconds(f.selfNanos()));
    putIfSet(b, SPAN_HOST, s.host());
    List<String> path = new ArrayList<>(f.path().size());
    for (SpanView p : f.path()) {
      path.add(p.service() + " " + p.name());
    }
    b.put(SPAN_PATH, path);
    b.put(EVIDENCE_COUNT, (long) f.evidence().size());
    List<String> chain = new ArrayList<>(f.chain().size());
    for (ChainLink c : f.chain()) {
      chain.add(
          c.layer().code()
              + (c.network() ? " network" : "")
              + " "
              + c.cause()
              + " "
              + Durations.human(c.explainedNanos())
              + " ("
              + c.eventCount()
              + (c.eventCount() == 1 ? " event)" : " events)"));
      if (c.layer() == f.layer() && c.cause().equals(f.cause()) && !c.signals().isEmpty()) {
        b.put(EVIDENCE_SIGNALS, c.signals());
      }
    }
    if (!chain.isEmpty()) {
      b.put(CHAIN, chain);
    }
    List<String> top = new ArrayList<>(TOP_EVIDENCE);
    for (Evidence e : f.evidence()) {
      if (top.size() == TOP_EVIDENCE) {
        break;
      }
      top.add(summary(e));
    }
    if (!top.isEmpty()) {
      b.put(EVIDENCE_TOP, top);
    }
    return b.build();
  }

  /** One evidence in a line: {@code cpu.throttled cgroup /demo-backend 190 ms via cgroup}. */
  static String summary(Evidence e) {
    KernelEvent k = e.event();
    StringBuilder b = new StringBuilder();
    b.append(k.name().wire()).append(' ').append(e.entity());
    if (k.hasDuration()) {
      b.append(' ').append(Durations.human(k.durNanos()));
    }
    return b.append(" via ").append(e.join()).toString();
  }

  /** The attributes of one evidence's span event. */
  static Attributes evidence(Evidence e) {
    KernelEvent k = e.event();
    AttributesBuilder b = Attributes.builder();
    b.put(LAYER, e.layer().code());
    b.put(NETWORK_SLICE, e.network());
    b.put(CAUSE, e.cause());
    b.put(EVENT_ENTITY, e.entity());
    b.put(EVENT_JOIN, e.join());
    b.put(EVENT_RULE, e.ruleId());
    b.put(EVENT_EXPLAINED, seconds(e.explainedNanos()));
    b.put(EVENT_HOST, k.host());
    if (k.hasDuration()) {
      b.put(EVENT_DURATION, seconds(k.durNanos()));
    }
    if (!Double.isNaN(k.value())) {
      b.put(EVENT_VALUE, k.value());
      putIfSet(b, EVENT_UNIT, k.unit());
    }
    putIfSet(b, EVENT_SOURCE, k.source());
    if (k.pid() != KernelEvent.UNKNOWN_PID) {
      b.put(PROCESS_PID, (long) k.pid());
    }
    if (k.tid() != KernelEvent.UNKNOWN_PID) {
      b.put(THREAD_ID, (long) k.tid());
    }
    putIfSet(b, THREAD_NAME, k.comm());
    putIfSet(b, EVENT_CGROUP, k.cgroupPath());
    putIfSet(b, CONTAINER_ID, k.containerId());
    putIfSet(b, POD_UID, k.podUid());
    putIfSet(b, DEVICE, k.dev());
    FlowKey flow = k.flow();
    if (flow != null) {
      b.put(LOCAL_ADDRESS, flow.local().address());
      b.put(LOCAL_PORT, (long) flow.local().port());
      b.put(PEER_ADDRESS, flow.remote().address());
      b.put(PEER_PORT, (long) flow.remote().port());
      putIfSet(b, TRANSPORT, flow.transport());
    }
    for (Map.Entry<String, String> a : new TreeMap<>(k.attrs()).entrySet()) {
      b.put(AttributeKey.stringKey(EVENT_ATTR_PREFIX + a.getKey()), a.getValue());
    }
    return b.build();
  }

  private static void putIfSet(AttributesBuilder b, AttributeKey<String> key, String value) {
    if (value != null && !value.isEmpty()) {
      b.put(key, value);
    }
  }
}
