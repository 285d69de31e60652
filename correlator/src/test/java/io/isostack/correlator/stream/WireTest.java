package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import io.isostack.model.SocketAttributes;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanStatus;
import io.isostack.model.SpanView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The application's own records survive their topics and stores unchanged. */
class WireTest {
  private static final long T = 1_795_268_160_000_000_000L;

  @Test
  void anEventWithEveryFieldAndALongMessageRoundTrips() {
    KernelEvent e =
        KernelEvent.builder(EventName.TCP_RETRANSMIT, "node-1")
            .interval(T, T + 5_000)
            .task(4242, 4243, "java")
            .cgroup(77, "/kubepods/pod1/abc")
            .container("abc", "pod1")
            .flow(
                new FlowKey(new Endpoint("10.0.0.1", 40000), new Endpoint("10.0.0.2", 8080), "tcp"),
                99)
            .dev("eth0")
            .value(3, "1")
            .attrs(Map.of("message", "x".repeat(100_000), "state", "R"))
            .source("bpftrace:net.bt")
            .build();
    HostRecord r = new HostRecord.Events(List.of(e, e));
    byte[] bytes = HostRecord.SERDE.serializer().serialize("t", r);
    assertThat(HostRecord.SERDE.deserializer().deserialize("t", bytes)).isEqualTo(r);
  }

  @Test
  void aHopRequestKeepsItsTraceRouteAndPeerEvidenceAndRecomputesTheSelfTime() {
    SpanView root = span("0000000000000001", null, SpanKind.SERVER, T, T + 2_000_000_000L);
    SpanView child = span("0000000000000002", "0000000000000001", SpanKind.CLIENT, T, T + 1_000);
    KernelEvent throttled =
        KernelEvent.builder(EventName.CPU_THROTTLED, "be-node")
            .interval(T, T + 600)
            .cgroup(0, "/demo-backend")
            .value(13, "1")
            .build();
    KernelEvent attach =
        KernelEvent.builder(EventName.CGROUP_ATTACH, "be-node")
            .at(T - 1)
            .task(4242, 4242, "java")
            .cgroup(0, "/demo-backend")
            .build();
    HopRequest h =
        new HopRequest(
            List.of(root, child),
            root.spanId(),
            "threshold",
            -1,
            T + 5,
            List.of("be-node", "db-node"),
            List.of(throttled),
            List.of(attach),
            T + 7);
    byte[] bytes = HopRequest.SERDE.serializer().serialize("t", h);
    HopRequest back = HopRequest.SERDE.deserializer().deserialize("t", bytes);
    assertThat(back).isEqualTo(h);
    assertThat(back.toSlowSpan().selfNanos()).isEqualTo(2_000_000_000L - 1_000);
  }

  private static SpanView span(String id, String parent, SpanKind kind, long start, long end) {
    return new SpanView(
        "0123456789abcdef0123456789abcdef",
        id,
        parent,
        "GET /pay",
        kind,
        "backend",
        start,
        end,
        SpanStatus.UNSET,
        "node-1",
        4242,
        null,
        null,
        "java",
        new SocketAttributes("10.0.0.2", 8080, null, 0, null, 0, null, 0, "tcp", "ipv4"),
        "http-nio-8080-exec-1");
  }
}
