package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostActivityTest {
  private int next = 1;

  /** A slow hop on a host (null for none) from start to end, milliseconds. */
  private SlowSpan hop(String host, double startMs, double endMs) {
    SpanView s = span(next++).host(host).at(startMs, endMs).build();
    TraceAssembler assembler = new TraceAssembler();
    assembler.add(s);
    var trace = assembler.traces().iterator().next();
    return new SlowSpan(trace, s, trace.selfTime(s), "threshold", -1);
  }

  private static HostActivity activity(SlowSpan... hops) {
    return new HostActivity(new ArrayList<>(List.of(hops)), "node-0");
  }

  @Test
  void countsTheHopsOfTheHostOverlappingTheWindow() {
    HostActivity activity =
        activity(
            hop("node-1", 0, 100),
            hop("node-1", 150, 300),
            hop("node-1", 400, 500),
            hop("node-1", 2000, 2100));

    assertThat(activity.count("node-1", ms(90), ms(450))).isEqualTo(3);
  }

  @Test
  void hopsOfOtherHostsAreNotCounted() {
    HostActivity activity = activity(hop("node-1", 0, 100), hop("node-2", 0, 100));

    assertThat(activity.count("node-1", ms(0), ms(100))).isEqualTo(1);
  }

  @Test
  void hostWithoutHopsCountsNone() {
    assertThat(activity(hop("node-1", 0, 100)).count("node-9", ms(0), ms(100))).isZero();
  }

  @Test
  void hopWithoutHostNameIsOnTheDefaultHost() {
    HostActivity activity = activity(hop(null, 0, 100));

    assertThat(activity.count("node-0", ms(0), ms(100))).isEqualTo(1);
  }

  @Test
  void windowBoundsAreInclusive() {
    HostActivity activity = activity(hop("node-1", 0, 100), hop("node-1", 200, 300));

    assertThat(activity.count("node-1", ms(100), ms(200))).isEqualTo(2);
  }

  @Test
  void hopsJustOutsideTheWindowAreNotCounted() {
    HostActivity activity = activity(hop("node-1", 0, 100), hop("node-1", 200, 300));

    assertThat(activity.count("node-1", ms(100.000001), ms(199.999999))).isZero();
  }

  @Test
  void longHopStartedWellBeforeTheWindowIsCounted() {
    List<SlowSpan> hops = new ArrayList<>();
    hops.add(hop("node-1", 0, 10_000));
    for (int i = 0; i < 50; i++) {
      hops.add(hop("node-1", 10 + i, 10.5 + i));
    }
    HostActivity activity = new HostActivity(hops, "node-0");

    assertThat(activity.count("node-1", ms(9_000), ms(9_500))).isEqualTo(1);
  }
}
