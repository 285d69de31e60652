package io.isostack.correlator.report;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;

import io.isostack.codec.Rejection;
import io.isostack.correlator.engine.Analyzer;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import java.util.Map;

/** Small analyses whose reports the renderer tests print. */
final class ReportFixtures {
  private ReportFixtures() {}

  /**
   * Two slow hops: {@code frontend GET /checkout → backend GET /pay} (1.41 s, throttled 1.3 s by
   * cgroup {@code /demo-backend}) and {@code api GET /report} (600 ms in the application); one
   * rejected record.
   */
  static AnalysisReport throttledCheckout() {
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost("node-1"));
    analyzer.addSpan(
        span(1)
            .trace(traceId(1))
            .op("frontend", "GET /checkout", SpanKind.SERVER)
            .pid(4120)
            .at(0, 1500)
            .build());
    analyzer.addSpan(
        span(2)
            .trace(traceId(1))
            .parent(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(4242)
            .at(50, 1460)
            .build());
    analyzer.addSpan(
        span(3)
            .trace(traceId(2))
            .op("api", "GET /report", SpanKind.SERVER)
            .pid(4388)
            .at(5000, 5600)
            .build());
    analyzer.finishSpans();
    // The scheduler producer ran through the whole recording: from before the first span to after
    // the last (a wait of another process at its end).
    analyzer.addEvent(
        KernelEvent.builder(EventName.PRODUCER_START, "node-1")
            .at(ms(-2000))
            .attrs(Map.of("covers", "scheduler"))
            .source("bpftrace:sched.bt")
            .build());
    analyzer.addEvent(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(5900), ms(5902))
            .task(9999, 9999, "cron")
            .source("bpftrace:sched.bt")
            .build());
    analyzer.addEvent(
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(-1000))
            .task(4242, 4242, "java")
            .cgroup(0, "/demo-backend")
            .build());
    analyzer.addEvent(
        KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
            .interval(ms(100), ms(1400))
            .cgroup(0, "/demo-backend")
            .value(13, "1")
            .source("cgroup-sampler")
            .build());
    analyzer.addEvent(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(500), ms(510))
            .task(4242, 4250, "http-nio-8080-e")
            .attrs(Map.of("cpu", "3"))
            .source("bpftrace:runqlat.bt")
            .build());
    InputSummary summary = new InputSummary();
    summary.spans("traces.jsonl", 3);
    summary.events("events.jsonl", 5);
    summary.rejected(
        new Rejection("traces.jsonl", 2, "invalid-id", "traceId is not 32 hex characters: xyz"));
    return new AnalysisReport(
        analyzer.findings(),
        summary,
        analyzer.traceCount(),
        analyzer.duplicateSpanCount(),
        analyzer.eventsIndexed(),
        analyzer.eventsOutsideWindows());
  }

  /**
   * One slow hop on a node without CPU limits: {@code backend GET /pay} (1 s, pid 4242), preempted
   * for 500 ms by {@code stress-ng} (pid 7001) and 200 ms by {@code backup} (pid 8002), as sched.bt
   * names them ({@code attrs.by_*}).
   */
  static AnalysisReport saturatedNode() {
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost("node-1"));
    analyzer.addSpan(
        span(1).op("backend", "GET /pay", SpanKind.SERVER).pid(4242).at(0, 1000).build());
    analyzer.finishSpans();
    analyzer.addEvent(
        KernelEvent.builder(EventName.PRODUCER_START, "node-1")
            .at(ms(-2000))
            .attrs(Map.of("covers", "scheduler"))
            .source("bpftrace:sched.bt")
            .build());
    analyzer.addEvent(preempted(100, 600, 7001, "stress-ng"));
    analyzer.addEvent(preempted(650, 850, 8002, "backup"));
    return new AnalysisReport(analyzer.findings(), new InputSummary(), 1, 0, 3, 0);
  }

  private static KernelEvent preempted(double fromMs, double toMs, int byPid, String byComm) {
    return KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
        .interval(ms(fromMs), ms(toMs))
        .task(4242, 4250, "worker")
        .attrs(
            Map.of(
                "state",
                "R",
                "by_pid",
                Integer.toString(byPid),
                "by_tid",
                Integer.toString(byPid),
                "by_comm",
                byComm))
        .source("bpftrace:sched.bt")
        .build();
  }

  /** No slow hop at all. */
  static AnalysisReport empty() {
    Analyzer analyzer = new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults());
    analyzer.addSpan(span(1).op("api", "GET /fast", SpanKind.SERVER).at(0, 5).build());
    return new AnalysisReport(analyzer.findings(), new InputSummary(), 1, 0, 0, 0);
  }
}
