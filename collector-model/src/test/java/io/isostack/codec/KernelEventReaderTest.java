package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.clock.ClockConverter;
import io.isostack.clock.ClockDomain;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelEventReaderTest {

  private static final Charset UTF8 = StandardCharsets.UTF_8;

  private static final long SYNC_BOOT = 434658248498L;
  private static final long SYNC_REAL = 1795265544053193000L;
  private static final String SYNC =
      "{\"event.name\":\"clock.sync\",\"host.name\":\"vm\",\"clock\":\"boottime\","
          + "\"time_ns\":434658248498,\"realtime_ns\":1795265544053193000}\n";

  private final ClockConverter clocks = new ClockConverter();
  private final KernelEventReader reader = new KernelEventReader(clocks, "default-host");
  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  private ReadSummary read(String text) throws IOException {
    return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private ReadSummary read(InputStream in) throws IOException {
    return reader.read(in, "test-stream", events::add, rejects::add);
  }

  private ReadSummary resource(String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      assertThat(in).as(path).isNotNull();
      return read(in);
    }
  }

  @Test
  void convertsBoottimeWithTheSyncRecordExactly() throws IOException {
    resource("events/canonical_example.jsonl");

    assertThat(rejects).isEmpty();
    KernelEvent runq = events.get(0);
    assertThat(runq.name()).isEqualTo(EventName.SCHED_RUNQ_LATENCY);
    assertThat(runq.endEpochNanos())
        .isEqualTo(SYNC_REAL + (434700112233L - SYNC_BOOT))
        .isEqualTo(1795265544095056735L);
    assertThat(runq.startEpochNanos()).isEqualTo(1795265544095056735L - 12_500_000L);
  }

  @Test
  void saysWhetherARecordTookTheDefaultHost() throws IOException {
    read(SYNC);
    read(
        "{\"event.name\":\"sched.offcpu\",\"host.name\":\"vm\",\"time_ns\":1795265544053193000,"
            + "\"pid\":5,\"dur_ns\":10}\n");
    assertThat(reader.usedDefaultHost()).isFalse();
    read(
        "{\"event.name\":\"sched.offcpu\",\"clock\":\"boottime\",\"time_ns\":5,"
            + "\"pid\":5,\"dur_ns\":1}\n");
    assertThat(rejects).hasSize(1);
    assertThat(reader.usedDefaultHost()).isTrue();
  }

  @Test
  void aLostEventsRecordTakesTheDefaultHost() throws IOException {
    read(
        "{\"event.name\":\"sched.offcpu\",\"host.name\":\"vm\",\"time_ns\":1795265544053193000,"
            + "\"pid\":5,\"dur_ns\":10}\n{\"type\": \"lost_events\", \"data\": {\"events\": 3}}\n");
    assertThat(events).last().extracting(KernelEvent::host).isEqualTo("default-host");
    assertThat(reader.usedDefaultHost()).isTrue();
  }

  @Test
  void keepsALoneLocalAddressInAttrs() throws IOException {
    read(
        "{\"event.name\":\"net.interface\",\"time_ns\":1795265544053193000,\"dev\":\"eth0\","
            + "\"saddr\":\"10.0.0.5\",\"attrs\":{\"driver\":\"virtio_net\"}}\n");

    assertThat(rejects).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.flow()).isNull();
              assertThat(e.attr("saddr")).isEqualTo("10.0.0.5");
              assertThat(e.attr("driver")).isEqualTo("virtio_net");
            });
  }

  @Test
  void aPidOfMinusOneMeansUnknown() throws IOException {
    read(
        "{\"event.name\":\"sched.offcpu\",\"time_ns\":1795265544053193000,\"pid\":-1,"
            + "\"tid\":4250,\"dur_ns\":5000000,\"attrs\":{\"state\":\"R\"}}\n");

    assertThat(rejects).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.pid()).isEqualTo(KernelEvent.UNKNOWN_PID);
              assertThat(e.tid()).isEqualTo(4250);
            });
  }

  @Test
  void clockSyncIsAppliedButNotEmitted() throws IOException {
    ReadSummary summary = resource("events/canonical_example.jsonl");

    assertThat(events).extracting(KernelEvent::name).doesNotContain(EventName.CLOCK_SYNC);
    assertThat(events).hasSize(3);
    assertThat(summary).isEqualTo(new ReadSummary(4, 3, 0, 0));
    assertThat(clocks.canConvert("vm", ClockDomain.BOOTTIME)).isTrue();
  }

  @Test
  void mapsEveryCanonicalField() throws IOException {
    resource("events/canonical_example.jsonl");

    KernelEvent runq = events.get(0);
    assertThat(runq.host()).isEqualTo("vm");
    assertThat(runq.pid()).isEqualTo(4242);
    assertThat(runq.tid()).isEqualTo(4250);
    assertThat(runq.comm()).isEqualTo("http-nio-8080-e");
    assertThat(runq.cgroupId()).isEqualTo(44);
    assertThat(runq.source()).isEqualTo("bpftrace:runqlat.bt");
    KernelEvent throttled = events.get(1);
    assertThat(throttled.cgroupPath()).isEqualTo("/payment");
    assertThat(throttled.value()).isEqualTo(9.0);
    assertThat(throttled.unit()).isEqualTo("1");
    assertThat(throttled.endEpochNanos()).isEqualTo(1795265545000000000L);
    KernelEvent retransmit = events.get(2);
    assertThat(retransmit.flow())
        .isEqualTo(
            new FlowKey(
                new Endpoint("10.200.1.2", 8080), new Endpoint("10.200.1.1", 51544), "tcp"));
    assertThat(retransmit.attr("state")).isEqualTo("ESTABLISHED");
    assertThat(retransmit.hasDuration()).isFalse();
  }

  @Test
  void repeatedStringsAreShared() throws IOException {
    resource("events/canonical_example.jsonl");

    assertThat(events.get(0).host()).isSameAs(events.get(2).host());
  }

  @Test
  void attrsStartMakesTimeTheStartOfTheInterval() throws IOException {
    read(
        "{\"event.name\":\"tcp.lifetime\",\"time_ns\":1000,\"dur_ns\":300,"
            + "\"attrs\":{\"start\":true,\"tx_bytes\":12}}\n"
            + "{\"event.name\":\"tcp.lifetime\",\"time_ns\":1000,\"dur_ns\":300}\n");

    assertThat(events.get(0).startEpochNanos()).isEqualTo(1000);
    assertThat(events.get(0).endEpochNanos()).isEqualTo(1300);
    assertThat(events.get(0).attr("tx_bytes")).isEqualTo("12");
    assertThat(events.get(1).startEpochNanos()).isEqualTo(700);
    assertThat(events.get(1).endEpochNanos()).isEqualTo(1000);
  }

  @Test
  void defaultsHostAndClock() throws IOException {
    read("{\"event.name\":\"log\",\"time_ns\":\"1795265545000000000\",\"message\":\"hi\"}\n");

    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.host()).isEqualTo("default-host");
              assertThat(e.endEpochNanos()).isEqualTo(1795265545000000000L);
              assertThat(e.attr("message")).as("unknown field kept in attrs").isEqualTo("hi");
              assertThat(e.pid()).isEqualTo(KernelEvent.UNKNOWN_PID);
              assertThat(e.value()).isNaN();
            });
  }

  @Test
  void cgroupIdAboveLongMaxIsReadAsUnsigned() throws IOException {
    read("{\"event.name\":\"cpu.throttled\",\"time_ns\":5,\"cgroup.id\":18446744073709551615}\n");

    assertThat(rejects).isEmpty();
    assertThat(Long.toUnsignedString(events.get(0).cgroupId())).isEqualTo("18446744073709551615");
  }

  @Test
  void ipv4MappedAddressesAreNormalised() throws IOException {
    read(
        "{\"event.name\":\"tcp.rtt\",\"time_ns\":5,\"saddr\":\"::FFFF:10.0.0.1\",\"sport\":80,"
            + "\"daddr\":\"[::ffff:10.0.0.2]\",\"proto\":\"TCP\",\"value\":120,\"unit\":\"us\"}\n");

    FlowKey flow = events.get(0).flow();
    assertThat(flow.local()).isEqualTo(new Endpoint("10.0.0.1", 80));
    assertThat(flow.remote()).isEqualTo(new Endpoint("10.0.0.2", 0));
    assertThat(flow.transport()).isEqualTo("tcp");
  }

  @Test
  void flowNeedsBothAddresses() throws IOException {
    read("{\"event.name\":\"net.drop\",\"time_ns\":5,\"saddr\":\"10.0.0.1\",\"dev\":\"eth0\"}\n");

    assertThat(events.get(0).flow()).isNull();
    assertThat(events.get(0).dev()).isEqualTo("eth0");
  }

  @Test
  void readsBpftraceWrappedRecordsWithSeveralLinesPerPrintf() throws IOException {
    ReadSummary summary = resource("events/bpftrace_wrapped.jsonl");

    assertThat(rejects).isEmpty();
    assertThat(events)
        .extracting(KernelEvent::name)
        .containsExactly(EventName.SCHED_OFFCPU, EventName.SYSCALL_ERROR, EventName.PRODUCER_LOST);
    assertThat(events.get(0).endEpochNanos()).isEqualTo(1795265544094944502L);
    assertThat(events.get(0).attr("state")).isEqualTo("D");
    assertThat(events.get(1).attr("errno")).isEqualTo("EPERM");
    assertThat(summary.lines()).isEqualTo(9);
  }

  @Test
  void lostEventsBecomeProducerLostAtTheLatestEventTime() throws IOException {
    ReadSummary summary = resource("events/bpftrace_wrapped.jsonl");

    KernelEvent lost = events.get(2);
    assertThat(lost.value()).isEqualTo(159.0);
    assertThat(lost.endEpochNanos()).isEqualTo(1795265544094945002L);
    assertThat(lost.host()).isEqualTo("default-host");
    assertThat(lost.source()).isEqualTo("test-stream");
    assertThat(summary.lost()).isEqualTo(159);
  }

  @Test
  void lostEventsBeforeAnyEventAreEmittedAtTheFirstEvent() throws IOException {
    KernelEventReader.StreamState state = new KernelEventReader.StreamState("live");
    byte[] lost = "{\"type\": \"lost_events\", \"data\": {\"events\": 36}}".getBytes(UTF8);
    byte[] log = "{\"event.name\":\"log\",\"time_ns\":77}".getBytes(UTF8);
    reader.decodeLine(lost, 0, lost.length, state, 1, events::add, rejects::add);
    reader.decodeLine(log, 0, log.length, state, 2, events::add, rejects::add);

    assertThat(events)
        .extracting(KernelEvent::name)
        .containsExactly(EventName.PRODUCER_LOST, EventName.LOG);
    assertThat(events.get(0).endEpochNanos()).isEqualTo(77);
    assertThat(state.summary()).isEqualTo(new ReadSummary(2, 2, 0, 36));
    assertThat(state.latestEpochNanos()).isEqualTo(77);
  }

  @Test
  void lostEventsSampleIsCountedInTheSummary() throws IOException {
    ReadSummary summary = resource("bpftrace/bpftrace_json_lost_events.jsonl");

    assertThat(summary.lost()).isEqualTo(159 + 36 + 485);
    assertThat(rejects).isEmpty();
  }

  @Test
  void otherBpftraceRecordTypesAreSkippedAndPlainPrintfIsNotCanonical() throws IOException {
    ReadSummary summary = resource("bpftrace/bpftrace_json_all_types.jsonl");

    assertThat(events).isEmpty();
    assertThat(rejects)
        .extracting(Rejection::reason)
        .containsOnly(RejectReason.NOT_CANONICAL)
        .hasSize(2);
    assertThat(rejects.get(0).line()).isEqualTo(2);
    assertThat(rejects.get(0).message()).contains("begin nsecs=276574190716");
    assertThat(summary.rejected()).isEqualTo(2);
  }

  @Test
  void missingClockSyncIsRejectedWithTheFix() throws IOException {
    read(
        "{\"event.name\":\"sched.offcpu\",\"host.name\":\"vm\",\"clock\":\"boottime\",\"time_ns\":5}\n");

    assertThat(events).isEmpty();
    Rejection r = rejects.get(0);
    assertThat(r.reason()).isEqualTo(RejectReason.MISSING_CLOCK_SYNC);
    assertThat(r.line()).isEqualTo(1);
    assertThat(r.message())
        .contains("test-stream")
        .contains("clock.sync")
        .contains("--clock-offset boottime=NANOS")
        .contains("REALTIME minus BOOTTIME");
  }

  @Test
  void clockSyncSampleFromBpftraceIsNotCanonicalSoEventsStayUnconverted() throws IOException {
    resource("bpftrace/bpftrace_json_clock_sync.jsonl");

    assertThat(rejects).extracting(Rejection::reason).containsExactly(RejectReason.NOT_CANONICAL);
    assertThat(clocks.canConvert("default-host", ClockDomain.BOOTTIME)).isFalse();
  }

  @Test
  void userClockOffsetSubstitutesForTheSyncRecord() throws IOException {
    clocks.setUserOffset(ClockConverter.parseOffsetOption("boottime=1795265109394948433"));

    read("{\"event.name\":\"sched.offcpu\",\"clock\":\"boottime\",\"time_ns\":1000}\n");

    assertThat(rejects).isEmpty();
    assertThat(events.get(0).endEpochNanos()).isEqualTo(1795265109394949433L);
  }

  @Test
  void syncRecordForTheHostWinsOverTheUserOffset() throws IOException {
    clocks.setUserOffset(ClockDomain.BOOTTIME, 1);

    read(
        SYNC
            + "{\"event.name\":\"log\",\"host.name\":\"vm\",\"clock\":\"boottime\",\"time_ns\":434658248500}\n");

    assertThat(events.get(0).endEpochNanos()).isEqualTo(SYNC_REAL + 2);
  }

  @Test
  void brokenLinesAreRejectedWithLineNumbersAndReadingGoesOn() throws IOException {
    ReadSummary summary =
        read(
            "{\"event.name\":\"log\",\"time_ns\":1}\n"
                + "{\"event.name\":\"log\",\"time_ns\":2\n"
                + "{\"event.name\":\"sched.offcpu\",\"time_ns\":3,\"pid\":\"abc\"}\n"
                + "{\"event.name\":\"sched.offcpu\",\"time_ns\":4,\"dur_ns\":-5}\n"
                + "{\"event.name\":\"no.such_event\",\"time_ns\":5}\n"
                + "{\"time_ns\":6}\n"
                + "{\"event.name\":\"log\"}\n"
                + "[1,2]\n"
                + "{\"event.name\":\"log\",\"time_ns\":9,\"clock\":\"tai\"}\n"
                + "{\"event.name\":\"log\",\"time_ns\":10}\n");

    assertThat(events).extracting(KernelEvent::endEpochNanos).containsExactly(1L, 10L);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(2L, RejectReason.INVALID_JSON),
            tuple(3L, RejectReason.INVALID_VALUE),
            tuple(4L, RejectReason.INVALID_VALUE),
            tuple(5L, RejectReason.UNKNOWN_EVENT),
            tuple(6L, RejectReason.MISSING_FIELD),
            tuple(7L, RejectReason.MISSING_FIELD),
            tuple(8L, RejectReason.INVALID_JSON),
            tuple(9L, RejectReason.INVALID_VALUE));
    assertThat(summary).isEqualTo(new ReadSummary(10, 2, 8, 0));
  }

  @Test
  void rejectionMessagesNameTheField() throws IOException {
    read(
        "{\"event.name\":\"sched.offcpu\",\"time_ns\":3,\"pid\":\"abc\"}\n"
            + "{\"event.name\":\"sched.offcpu\",\"time_ns\":4,\"dur_ns\":-5}\n"
            + "{\"event.name\":\"log\"}\n"
            + "{\"event.name\":\"no.such_event\",\"time_ns\":5}\n");

    assertThat(rejects)
        .extracting(Rejection::message)
        .satisfiesExactly(
            m -> assertThat(m).startsWith("pid ").contains("abc"),
            m -> assertThat(m).startsWith("dur_ns "),
            m -> assertThat(m).startsWith("time_ns "),
            m -> assertThat(m).contains("no.such_event"));
  }

  @Test
  void truncatedLastLineIsRejected() throws IOException {
    read("{\"event.name\":\"log\",\"time_ns\":1}\r\n\n{\"event.name\":\"log\",\"ti");

    assertThat(events).hasSize(1);
    assertThat(rejects)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.line()).isEqualTo(3);
              assertThat(r.reason()).isEqualTo(RejectReason.INVALID_JSON);
            });
  }

  @Test
  void invalidUtf8InACommDoesNotCrash() throws IOException {
    byte[] head = "{\"event.name\":\"log\",\"time_ns\":1,\"comm\":\"ab".getBytes(UTF8);
    byte[] tail = "cd\"}\n{\"event.name\":\"log\",\"time_ns\":2}\n".getBytes(UTF8);
    byte[] line = new byte[head.length + 2 + tail.length];
    System.arraycopy(head, 0, line, 0, head.length);
    line[head.length] = (byte) 0xC3;
    line[head.length + 1] = (byte) 0x28; // invalid continuation byte
    System.arraycopy(tail, 0, line, head.length + 2, tail.length);

    read(new ByteArrayInputStream(line));

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).comm()).startsWith("ab").endsWith("(cd").contains("\uFFFD");
  }

  @Test
  void decodeLineWorksOnASliceOfALargerBuffer() {
    byte[] buf = "xx{\"event.name\":\"log\",\"time_ns\":42}yy".getBytes(UTF8);
    KernelEventReader.StreamState state = new KernelEventReader.StreamState("http");

    reader.decodeLine(buf, 2, buf.length - 4, state, 7, events::add, rejects::add);

    assertThat(rejects).isEmpty();
    assertThat(events).singleElement().extracting(KernelEvent::endEpochNanos).isEqualTo(42L);
  }

  @Test
  void tooLongLineIsSkippedAndTheNextOneRead() throws IOException {
    StringBuilder sb = new StringBuilder("{\"event.name\":\"log\",\"time_ns\":1,\"x\":\"");
    sb.append("a".repeat(KernelEventReader.MAX_LINE_BYTES));
    sb.append("\"}\n{\"event.name\":\"log\",\"time_ns\":2}\n");

    read(sb.toString());

    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(1L, RejectReason.LINE_TOO_LONG));
    assertThat(events).extracting(KernelEvent::endEpochNanos).containsExactly(2L);
  }
}
