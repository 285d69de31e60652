package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.Rejection;
import io.isostack.correlator.engine.Analyzer;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterfaceDirectoryTest {
  private static final String FIXTURE = "virtio-retransmits.jsonl";

  /** The fixture's events as the canonical reader produces them. */
  private static List<KernelEvent> read() throws IOException {
    List<KernelEvent> events = new ArrayList<>();
    List<Rejection> rejects = new ArrayList<>();
    try (InputStream in = InterfaceDirectoryTest.class.getResourceAsStream(FIXTURE)) {
      new KernelEventReader(new ClockConverter(), "node-2")
          .read(in, FIXTURE, events::add, rejects::add);
    }
    assertThat(rejects).isEmpty();
    return events;
  }

  @Test
  void learnsTheDriverOfADevice() throws IOException {
    InterfaceDirectory directory = new InterfaceDirectory();
    read().forEach(directory::learn);
    assertThat(directory.kind("node-2", "eth0")).isEqualTo(DeviceKind.VIRTIO);
    assertThat(directory.kind("node-1", "eth0")).isEqualTo(DeviceKind.UNKNOWN);
  }

  @Test
  void learnsTheDeviceOfALocalAddressFromAnEventWithDeviceAndTuple() {
    InterfaceDirectory directory = new InterfaceDirectory();
    directory.learn(
        KernelEvent.builder(EventName.NET_DROP, "node-1")
            .at(1)
            .dev("veth1a2b")
            .flow(
                new FlowKey(
                    new Endpoint("10.244.1.5", 8080), new Endpoint("10.244.1.3", 45782), "tcp"),
                0)
            .attrs(Map.of("reason", "NETFILTER_DROP"))
            .build());
    assertThat(directory.deviceOf("node-1", "10.244.1.5")).isEqualTo("veth1a2b");
    assertThat(directory.kind("node-1", "veth1a2b")).isEqualTo(DeviceKind.VETH);
  }

  @Test
  void learnsTheDeviceOfAnAddressFromANetInterfaceRecord() throws IOException {
    InterfaceDirectory directory = new InterfaceDirectory();
    read().forEach(directory::learn);
    assertThat(directory.deviceOf("node-2", "10.0.0.6")).isEqualTo("eth0");
  }

  @Test
  void retransmitsOfASocketOnAVirtioNicAreTheParavirtNetworkSlice() throws IOException {
    SpanView server =
        span(1)
            .op("api", "GET /slow", SpanKind.SERVER)
            .host("node-2")
            .pid(4388)
            .attr("network.peer.address", "10.0.0.100")
            .attr("network.peer.port", 50436)
            .attr("network.local.address", "10.0.0.6")
            .attr("network.local.port", 8000)
            .at(0, 1000)
            .build();
    Analyzer analyzer = new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults());
    analyzer.addSpan(server);
    analyzer.finishSpans();
    read().forEach(analyzer::addEvent);

    assertThat(analyzer.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause()).isEqualTo("tcp-retransmit");
              assertThat(f.layer()).isEqualTo(IsolationLayer.L2);
              assertThat(f.network()).isTrue();
              assertThat(f.notes()).noneSatisfy(n -> assertThat(n).contains("unknown"));
            });
  }
}
