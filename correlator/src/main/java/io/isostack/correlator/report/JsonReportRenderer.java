package io.isostack.correlator.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.isostack.clock.ClockConverter;
import io.isostack.codec.Rejection;
import io.isostack.correlator.engine.Completeness;
import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.CpuConsumer;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.OtherConsumers;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.KernelEvent;
import io.isostack.model.Observation;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an {@link AnalysisReport} as JSON: {@code {"findings":[...],"input":{...}}}.
 *
 * <p>The shape is a stable interface others build on; it is documented field by field in
 * docs/REPORT.md. Times are nanoseconds since the Unix epoch, durations nanoseconds, ids lower-case
 * hex. Stateless and thread-safe.
 */
public final class JsonReportRenderer {
  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * Writes the report; the writer is flushed, not closed.
   *
   * @throws IOException if writing fails
   */
  public void render(AnalysisReport report, Writer out) throws IOException {
    try (JsonGenerator g =
        FACTORY
            .createGenerator(out)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .useDefaultPrettyPrinter()) {
      g.writeStartObject();
      g.writeArrayFieldStart("findings");
      for (Finding f : report.findings()) {
        finding(g, f);
      }
      g.writeEndArray();
      input(g, report);
      if (report.completeness() != null) {
        completeness(g, report.completeness());
      }
      g.writeEndObject();
    }
    out.write('\n');
    out.flush();
  }

  /**
   * Writes one finding as a single JSON object (one line), as live mode streams them.
   *
   * @throws IOException if writing fails
   */
  public void renderLine(Finding finding, Writer out) throws IOException {
    try (JsonGenerator g =
        FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
      finding(g, finding);
    }
    out.write('\n');
    out.flush();
  }

  private static void finding(JsonGenerator g, Finding f) throws IOException {
    SpanView s = f.span();
    g.writeStartObject();
    g.writeStringField("traceId", s.traceId());
    g.writeStringField("spanId", s.spanId());
    g.writeStringField("service", s.service());
    g.writeStringField("name", s.name());
    g.writeStringField("kind", s.kind().name());
    g.writeArrayFieldStart("path");
    for (SpanView p : f.path()) {
      g.writeString(p.service() + " " + p.name());
    }
    g.writeEndArray();
    g.writeNumberField("startTimeUnixNano", s.startEpochNanos());
    g.writeNumberField("durationNanos", s.durationNanos());
    g.writeNumberField("selfNanos", f.selfNanos());
    g.writeStringField("slowReason", f.slowReason());
    g.writeNumberField("baselineNanos", f.baselineNanos());
    g.writeNumberField("requestNanos", f.requestNanos());
    g.writeNumberField("requestShare", Math.round(f.requestShare() * 1000) / 1000.0);
    g.writeStringField("layer", f.layer().code());
    g.writeStringField("layerTitle", f.layer().title());
    g.writeBooleanField("network", f.network());
    g.writeStringField("cause", f.cause());
    g.writeStringField("causeTitle", f.causeTitle());
    g.writeNumberField("confidence", Math.round(f.confidence() * 100) / 100.0);
    g.writeNumberField("explainedNanos", f.explainedNanos());
    g.writeStringField("detail", f.detail());
    g.writeStringField("explanation", f.explanation());
    g.writeStringField("remediation", f.remediation());
    g.writeStringField("method", f.method());
    if (f.otherConsumers() != null) {
      otherConsumers(g, f.otherConsumers());
    }
    g.writeArrayFieldStart("notes");
    for (String n : f.notes()) {
      g.writeString(n);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("coverage");
    for (Map.Entry<EvidenceFamily, Observation> c : f.coverage().entrySet()) {
      g.writeStringField(c.getKey().wire(), c.getValue().wire());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("chain");
    for (ChainLink c : f.chain()) {
      chainLink(g, c);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("evidence");
    for (Evidence e : f.evidence()) {
      evidence(g, e);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * {@code "otherConsumers":{"observed":…,"top":[{"pid":…,"tid":…,"comm":…,"waits":…,
   * "waitedNanos":…}]}}.
   */
  private static void otherConsumers(JsonGenerator g, OtherConsumers o) throws IOException {
    g.writeObjectFieldStart("otherConsumers");
    g.writeBooleanField("observed", o.observed());
    g.writeArrayFieldStart("top");
    for (CpuConsumer c : o.top()) {
      g.writeStartObject();
      g.writeNumberField("pid", c.pid());
      g.writeNumberField("tid", c.tid());
      g.writeStringField("comm", c.comm());
      g.writeNumberField("waits", c.waits());
      g.writeNumberField("waitedNanos", c.waitedNanos());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void chainLink(JsonGenerator g, ChainLink c) throws IOException {
    g.writeStartObject();
    g.writeStringField("layer", c.layer().code());
    g.writeBooleanField("network", c.network());
    g.writeStringField("cause", c.cause());
    g.writeStringField("causeTitle", c.causeTitle());
    g.writeNumberField("explainedNanos", c.explainedNanos());
    g.writeNumberField("eventCount", c.eventCount());
    g.writeArrayFieldStart("signals");
    for (String sig : c.signals()) {
      g.writeString(sig);
    }
    g.writeEndArray();
    g.writeStringField("detail", c.detail());
    g.writeStringField("explanation", c.explanation());
    g.writeStringField("remediation", c.remediation());
    g.writeStringField("method", c.method());
    g.writeStringField("rule", c.ruleId());
    g.writeEndObject();
  }

  private static void evidence(JsonGenerator g, Evidence e) throws IOException {
    KernelEvent k = e.event();
    g.writeStartObject();
    g.writeStringField("name", k.name().wire());
    g.writeStringField("entity", e.entity());
    g.writeStringField("join", e.join());
    g.writeStringField("host", k.host());
    g.writeNumberField("timeUnixNano", k.endEpochNanos());
    g.writeNumberField("durationNanos", k.durNanos());
    if (!Double.isNaN(k.value())) {
      g.writeNumberField("value", k.value());
      if (k.unit() != null) {
        g.writeStringField("unit", k.unit());
      }
    }
    g.writeStringField("source", k.source());
    g.writeStringField("layer", e.layer().code());
    g.writeBooleanField("network", e.network());
    g.writeStringField("cause", e.cause());
    g.writeStringField("causeTitle", e.causeTitle());
    g.writeStringField("rule", e.ruleId());
    g.writeNumberField("explainedNanos", e.explainedNanos());
    if (!k.attrs().isEmpty()) {
      g.writeObjectFieldStart("attrs");
      for (Map.Entry<String, String> a : new TreeMap<>(k.attrs()).entrySet()) {
        g.writeStringField(a.getKey(), a.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * {@code "completeness":{"spans":…,"traces":…,"kernelEvents":{"scheduler":…},"watched":[…],
   * "slowHops":…,"drilledDown":…,"unobserved":…,"toAdd":[{"family":…,"producer":…}]}}.
   */
  private static void completeness(JsonGenerator g, Completeness c) throws IOException {
    g.writeObjectFieldStart("completeness");
    g.writeNumberField("spans", c.spans());
    g.writeNumberField("traces", c.traces());
    g.writeObjectFieldStart("kernelEvents");
    for (Map.Entry<EvidenceFamily, Long> e : c.eventsByFamily().entrySet()) {
      g.writeNumberField(e.getKey().wire(), e.getValue());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("watched");
    for (EvidenceFamily f : c.watched()) {
      g.writeString(f.wire());
    }
    g.writeEndArray();
    g.writeNumberField("slowHops", c.slowHops());
    g.writeNumberField("drilledDown", c.drilledDown());
    g.writeNumberField("unobserved", c.unobserved());
    g.writeArrayFieldStart("toAdd");
    for (EvidenceFamily f : c.toAdd()) {
      g.writeStartObject();
      g.writeStringField("family", f.wire());
      g.writeStringField("producer", f.producer());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void input(JsonGenerator g, AnalysisReport r) throws IOException {
    InputSummary in = r.input();
    g.writeObjectFieldStart("input");
    g.writeObjectFieldStart("spans");
    g.writeNumberField("total", in.spanTotal());
    g.writeNumberField("traces", r.traces());
    g.writeNumberField("duplicates", r.duplicateSpans());
    counts(g, "bySource", in.spansBySource());
    g.writeEndObject();
    g.writeObjectFieldStart("events");
    g.writeNumberField("total", in.eventTotal());
    g.writeNumberField("nearSlowHops", r.eventsIndexed());
    g.writeNumberField("outsideSlowHops", r.eventsOutsideWindows());
    counts(g, "bySource", in.eventsBySource());
    g.writeEndObject();
    g.writeObjectFieldStart("rejected");
    g.writeNumberField("total", in.rejectedTotal());
    counts(g, "byReason", in.rejectedByReason());
    g.writeArrayFieldStart("first");
    for (Rejection x : in.rejectedExamples()) {
      g.writeStartObject();
      g.writeStringField("source", x.source());
      g.writeNumberField("line", x.line());
      g.writeStringField("reason", x.reason());
      g.writeStringField("message", x.message());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeObjectFieldStart("skipped");
    g.writeNumberField("total", in.skippedTotal());
    counts(g, "byReason", in.skippedByReason());
    g.writeEndObject();
    g.writeObjectFieldStart("lost");
    g.writeNumberField("total", in.lostTotal());
    counts(g, "bySource", in.lostBySource());
    g.writeEndObject();
    g.writeArrayFieldStart("unreadable");
    for (String u : in.unreadable()) {
      g.writeString(u);
    }
    g.writeEndArray();
    clock(g, in);
    g.writeEndObject();
  }

  /**
   * {@code "clock":{"skewNanos":…,"conversions":[{"host":…,"clock":…,"offsetNanos":…,
   * "resolutionNanos":…}]}}: how event times were converted and how uncertain joins by time are.
   */
  private static void clock(JsonGenerator g, InputSummary in) throws IOException {
    g.writeObjectFieldStart("clock");
    g.writeNumberField("skewNanos", in.skewNanos());
    g.writeArrayFieldStart("conversions");
    for (ClockConverter.Conversion c : in.clockConversions()) {
      g.writeStartObject();
      if (c.host() != null) {
        g.writeStringField("host", c.host());
      }
      g.writeStringField("clock", c.domain().wire());
      g.writeStringField("from", c.host() != null ? "clock.sync" : "--clock-offset");
      g.writeNumberField("offsetNanos", c.offsetNanos());
      g.writeNumberField("resolutionNanos", c.resolutionNanos());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void counts(JsonGenerator g, String field, Map<String, Long> counts)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }
}
