package io.isostack.correlator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import io.isostack.codec.RejectReason;
import io.isostack.codec.Rejection;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.receiver.EventFollower;
import io.isostack.correlator.receiver.EventInput;
import io.isostack.correlator.receiver.IngestResult;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.rules.RuleTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class IngestMetricsTest {
  private static final long T0 = 1_795_265_544_053_193_000L;
  private static final String LINE =
      "{\"event.name\":\"sched.runq_latency\",\"time_ns\":" + T0 + ",\"pid\":7,\"dur_ns\":1000}\n";
  private static final String LOST = "{\"type\":\"lost_events\",\"data\":{\"events\":42}}\n";

  private final RejectTally rejects = new RejectTally(System::nanoTime);
  private final LiveAnalyzer engine =
      new LiveAnalyzer(
          RuleTable.defaults(),
          LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost("node-1")),
          () -> T0,
          f -> {});
  private final LiveIngest ingest = new LiveIngest(engine, engine, context(), rejects);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void close() {
    engine.close();
  }

  private double received(String meter, String source, String signal) {
    return registry
        .get(meter)
        .tag("source", source)
        .tag("signal", signal)
        .functionCounter()
        .count();
  }

  @Test
  void receivedKernelEventLinesAreCountedWithTheirBytesAndLostEvents() {
    new IngestMetrics(ingest.received(), rejects, List.of(), List.of()).bindTo(registry);
    byte[] body = (LINE + LOST + LINE + "not json\n").getBytes(StandardCharsets.UTF_8);

    IngestResult r = ingest.kernelEvents(body, body.length, null, "otlp-http /v1/kernel-events");

    assertThat(r.accepted()).isEqualTo(3); // two events and the producer.lost one
    assertThat(received("correlator.records.received", "kernel-events", "events")).isEqualTo(3);
    assertThat(received("correlator.bytes.received", "kernel-events", "events"))
        .isEqualTo(body.length);
    assertThat(
            registry
                .get("correlator.producer.events.lost")
                .tag("source", "kernel-events")
                .functionCounter()
                .count())
        .isEqualTo(42);
    assertThat(received("correlator.records.received", "otlp-grpc", "spans")).isZero();
    assertThat(
            registry
                .get("correlator.records.rejected")
                .tag("reason", RejectReason.INVALID_JSON)
                .functionCounter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void everyRejectReasonIsRegisteredAndUnknownReasonsAreOther() {
    new IngestMetrics(ingest.received(), rejects, List.of(), List.of()).bindTo(registry);
    rejects.rejected(new Rejection("t", 1, RejectReason.INVALID_ID, "zero span id"));
    rejects.rejected(new Rejection("t", 2, RejectReason.INVALID_ID, "zero span id"));
    rejects.rejected(new Rejection("t", 3, "made-up", "?"));

    assertThat(registry.get("correlator.records.rejected").functionCounters())
        .hasSize(IngestMetrics.REASONS.size() + 1);
    assertThat(
            registry
                .get("correlator.records.rejected")
                .tag("reason", RejectReason.INVALID_ID)
                .functionCounter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("correlator.records.rejected")
                .tag("reason", IngestMetrics.OTHER_REASON)
                .functionCounter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void followedFileCountsEventsBytesAndBpftraceLostEvents(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("events.jsonl");
    String content = LINE + LOST + LINE;
    Files.writeString(file, content);
    try (EventFollower f =
        new EventFollower(file, EventInput.canonical(context()), rejects, b -> {})) {
      new IngestMetrics(ingest.received(), rejects, List.of(f), List.of()).bindTo(registry);
      String source = "file:" + file;
      f.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (received("correlator.records.received", source, "events") < 3
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      assertThat(received("correlator.records.received", source, "events")).isEqualTo(3);
      assertThat(received("correlator.bytes.received", source, "events"))
          .isEqualTo(content.length());
      assertThat(
              registry
                  .get("correlator.producer.events.lost")
                  .tag("source", source)
                  .functionCounter()
                  .count())
          .isEqualTo(42);
    }
  }

  @Test
  void producerNamesAreTheirScriptOrProgram() {
    assertThat(IngestMetrics.producerName("bpftrace -q -f json samples/ebpf/sched.bt node-1"))
        .isEqualTo("sched.bt");
    assertThat(IngestMetrics.producerName("/usr/bin/cat /tmp/events.jsonl")).isEqualTo("cat");
    assertThat(IngestMetrics.producerName("  ")).isEqualTo("producer");
  }

  @Test
  void skippedRecordsAreCountedByReasonAsEachReasonAppears() {
    String body = "Attaching 1 probe...\n" + LINE + "{\"type\": \"map\", \"data\": {}}\n";
    byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ingest.kernelEvents(b, b.length, null, "otlp-http /v1/kernel-events");
    new IngestMetrics(ingest.received(), rejects, List.of(), List.of()).bindTo(registry);
    ingest.kernelEvents(b, b.length, "events", "otlp-http /v1/kernel-events");
    rejects.skipped("bpftrace-hist", 3);

    assertThat(skipped("producer-text")).isEqualTo(2);
    assertThat(skipped("bpftrace-map")).isEqualTo(2);
    assertThat(skipped("bpftrace-hist")).as("a reason first seen after binding").isEqualTo(3);
  }

  private double skipped(String reason) {
    return registry
        .get("correlator.records.skipped")
        .tag("reason", reason)
        .functionCounter()
        .count();
  }

  private static ReadContext context() {
    return ReadContext.of(new ClockConverter(), "node-1", java.time.Clock.systemUTC());
  }
}
