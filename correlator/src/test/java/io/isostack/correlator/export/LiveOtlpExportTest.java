package io.isostack.correlator.export;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.LiveServer;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Live mode: the exporter is the engine's sink and the server closes it after the engine, so the
 * findings of traces still held at shutdown reach the OTLP receiver too.
 */
class LiveOtlpExportTest {
  private static final String HOST = "node-1";

  private static long now() {
    Instant i = Clock.systemUTC().instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  @Test
  void findingsPublishedAtShutdownAreExportedBeforeTheServerCloses() throws Exception {
    try (OtlpCapture capture = OtlpCapture.grpc()) {
      OtlpFindingExporter exporter =
          OtlpFindingExporter.start(
              OtlpExportSettings.of(capture.endpoint(), "grpc", true)
                  .withProperties(Map.of("otel.blrp.schedule.delay", "60000")));
      List<LiveFinding> printed = new CopyOnWriteArrayList<>();
      LiveAnalyzer engine =
          new LiveAnalyzer(
              RuleTable.defaults(),
              LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost(HOST)),
              LiveOtlpExportTest::now,
              exporter.andThen(printed::add));
      LiveServer server =
          new LiveServer(
              engine,
              new ClockConverter(),
              new LiveServer.Settings(
                  "127.0.0.1", -1, -1, 1024, false, List.of(), List.of(), HOST));
      server.closeAfterEngine(exporter);
      server.start();
      engine.putEvents(
          List.of(
              KernelEvent.builder(EventName.CGROUP_ATTACH, HOST)
                  .at(ms(-1000))
                  .task(4242, 4242, "java")
                  .cgroup(0, "/demo-backend")
                  .build(),
              KernelEvent.builder(EventName.CPU_THROTTLED, HOST)
                  .interval(ms(0), ms(1300))
                  .cgroup(0, "/demo-backend")
                  .value(5, "1")
                  .build()));
      SpanView slow =
          span(1)
              .trace(traceId(7))
              .op("backend", "GET /pay", SpanKind.SERVER)
              .pid(4242)
              .at(0, 1410)
              .build();
      assertThat(engine.offerSpans(List.of(slow))).isTrue();

      server.close();

      assertThat(printed).singleElement();
      List<LogRecord> records = capture.logRecords();
      assertThat(records).singleElement();
      HexFormat hex = HexFormat.of();
      assertThat(hex.formatHex(records.get(0).getTraceId().toByteArray()))
          .isEqualTo(slow.traceId());
      assertThat(hex.formatHex(records.get(0).getSpanId().toByteArray())).isEqualTo(slow.spanId());
      assertThat(records.get(0).getAttributesList())
          .anySatisfy(
              kv -> {
                assertThat(kv.getKey()).isEqualTo("isostack.cause");
                assertThat(kv.getValue().getStringValue()).isEqualTo("cpu-throttle");
              });
      assertThat(capture.spans()).singleElement();
      assertThat(capture.metric("isostack.findings")).isNotEmpty();
    }
  }
}
