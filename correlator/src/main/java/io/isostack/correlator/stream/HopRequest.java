package io.isostack.correlator.stream;

import io.isostack.correlator.detect.Intervals;
import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One slow hop found by the horizontal step, sent to the partition of its host for the vertical
 * step: the spans of its whole trace (the join keys need its server-side child, the finding its
 * path), which span is slow, why, and when its trace completed.
 *
 * <p>A hop whose trace has adjacent spans (its parent, its children) on other hosts first visits
 * those hosts' partitions, in {@link #route} order: there the events that join it by keys valid
 * across hosts (the connection's 5-tuple seen from the peer's side, the peer's cgroup, container or
 * pod) and the facts that resolve the peer's keys (which cgroup its pid is in...) are gathered into
 * {@link #peerEvents} and {@link #peerFacts}, as {@code serve}'s one index over every host's events
 * would join them. Then the hop goes to its own host, where the vertical step correlates it.
 *
 * @param spans the trace's spans, never empty
 * @param spanId the slow span's id
 * @param reason {@code threshold} or {@code baseline} ({@link SlowSpan#reason()})
 * @param baselineNanos the operation's median self time, or -1
 * @param completedEpochNanos when the trace completed, wall clock, nanoseconds since the Unix epoch
 * @param route the other hosts still to visit before the hop's own host, in order; empty when the
 *     hop is on its way to (or at) its own host
 * @param peerEvents kernel events of the visited hosts that join the hop
 * @param peerFacts what the visited hosts' facts say of the adjacent spans' processes and devices
 * @param parkedEpochNanos when the hop was parked at the partition it waits in, wall clock,
 *     nanoseconds since the Unix epoch; -1 while it travels
 */
record HopRequest(
    List<SpanView> spans,
    String spanId,
    String reason,
    long baselineNanos,
    long completedEpochNanos,
    List<String> route,
    List<KernelEvent> peerEvents,
    List<KernelEvent> peerFacts,
    long parkedEpochNanos) {

  /** Validates: spans are required and must hold the slow span. */
  HopRequest {
    spans = List.copyOf(spans);
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(reason, "reason");
    if (spans.stream().noneMatch(s -> s.spanId().equals(spanId))) {
      throw new IllegalArgumentException("spanId " + spanId + " is not among the spans");
    }
    route = List.copyOf(route);
    peerEvents = List.copyOf(peerEvents);
    peerFacts = List.copyOf(peerFacts);
  }

  static final WireSerde<HopRequest> SERDE = new WireSerde<>(new HopCodec());

  /** The request for a slow hop of an assembled trace, to visit {@code route} first. */
  static HopRequest of(
      SlowSpan hop, List<SpanView> spans, long completedEpochNanos, List<String> route) {
    return new HopRequest(
        spans,
        hop.span().spanId(),
        hop.reason(),
        hop.baselineNanos(),
        completedEpochNanos,
        route,
        List.of(),
        List.of(),
        -1);
  }

  /**
   * The hosts a slow hop visits before its own: those of its parent and children that ran on
   * another host, in trace order, each once.
   *
   * @param defaultHost the host of spans without {@code host.name}
   */
  static List<String> route(Trace trace, SpanView span, String defaultHost) {
    String own = span.host() != null ? span.host() : defaultHost;
    Set<String> hosts = new LinkedHashSet<>();
    for (SpanView s : adjacent(trace, span)) {
      String h = s.host() != null ? s.host() : defaultHost;
      if (!h.equals(own)) {
        hosts.add(h);
      }
    }
    return List.copyOf(hosts);
  }

  /** The spans next to {@code span} in its trace: its parent, if any, then its children. */
  static List<SpanView> adjacent(Trace trace, SpanView span) {
    List<SpanView> out = new ArrayList<>();
    SpanView parent = trace.parent(span);
    if (parent != null) {
      out.add(parent);
    }
    trace.children(span).forEach(out::add);
    return out;
  }

  /** The partition the hop goes to next: the first host of its route, else its own. */
  String nextHost(String defaultHost) {
    return route.isEmpty() ? ownHost(defaultHost) : route.get(0);
  }

  /** The slow span's host: its {@code host.name}, else the default host. */
  String ownHost(String defaultHost) {
    String h = span().host();
    return h != null ? h : defaultHost;
  }

  /** This hop parked now ({@code parkedEpochNanos}). */
  HopRequest parked(long nowEpochNanos) {
    return new HopRequest(
        spans,
        spanId,
        reason,
        baselineNanos,
        completedEpochNanos,
        route,
        peerEvents,
        peerFacts,
        nowEpochNanos);
  }

  /**
   * This hop after its visit to the first host of its route: what that host gave added, the host
   * taken off the route, no longer parked.
   */
  HopRequest visited(List<KernelEvent> events, List<KernelEvent> facts) {
    List<KernelEvent> allEvents = new ArrayList<>(peerEvents);
    allEvents.addAll(events);
    List<KernelEvent> allFacts = new ArrayList<>(peerFacts);
    allFacts.addAll(facts);
    return new HopRequest(
        spans,
        spanId,
        reason,
        baselineNanos,
        completedEpochNanos,
        route.subList(1, route.size()),
        allEvents,
        allFacts,
        -1);
  }

  /** The slow span's view. */
  SpanView span() {
    for (SpanView s : spans) {
      if (s.spanId().equals(spanId)) {
        return s;
      }
    }
    throw new IllegalStateException("unreachable: validated");
  }

  /** The slow hop again, its trace reassembled and its self time recomputed. */
  SlowSpan toSlowSpan() {
    TraceAssembler assembler = new TraceAssembler();
    spans.forEach(assembler::add);
    Trace trace = assembler.traces().iterator().next();
    SpanView span = trace.span(spanId);
    Intervals self = trace.selfTime(span);
    return new SlowSpan(trace, span, self, reason, baselineNanos);
  }

  static final class HopCodec implements WireSerde.Codec<HopRequest> {
    @Override
    public void write(DataOutput out, HopRequest h) throws IOException {
      out.writeInt(h.spans.size());
      for (SpanView s : h.spans) {
        Wire.span(out, s);
      }
      Wire.utf(out, h.spanId);
      Wire.utf(out, h.reason);
      out.writeLong(h.baselineNanos);
      out.writeLong(h.completedEpochNanos);
      out.writeInt(h.route.size());
      for (String host : h.route) {
        Wire.utf(out, host);
      }
      writeEvents(out, h.peerEvents);
      writeEvents(out, h.peerFacts);
      out.writeLong(h.parkedEpochNanos);
    }

    @Override
    public HopRequest read(DataInput in) throws IOException {
      int n = in.readInt();
      List<SpanView> spans = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        spans.add(Wire.span(in));
      }
      String spanId = Wire.utf(in);
      String reason = Wire.utf(in);
      long baseline = in.readLong();
      long completed = in.readLong();
      int r = in.readInt();
      List<String> route = new ArrayList<>(r);
      for (int i = 0; i < r; i++) {
        route.add(Wire.utf(in));
      }
      List<KernelEvent> events = readEvents(in);
      List<KernelEvent> facts = readEvents(in);
      return new HopRequest(
          spans, spanId, reason, baseline, completed, route, events, facts, in.readLong());
    }

    private static void writeEvents(DataOutput out, List<KernelEvent> events) throws IOException {
      out.writeInt(events.size());
      for (KernelEvent e : events) {
        Wire.event(out, e);
      }
    }

    private static List<KernelEvent> readEvents(DataInput in) throws IOException {
      int n = in.readInt();
      List<KernelEvent> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(Wire.event(in));
      }
      return out;
    }
  }
}
