package io.isostack.correlator.cli;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.correlator.engine.Analyzer;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.export.OtlpExportSettings;
import io.isostack.correlator.export.OtlpFindingExporter;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.report.AnalysisReport;
import io.isostack.correlator.report.CompletenessText;
import io.isostack.correlator.report.HtmlReportRenderer;
import io.isostack.correlator.report.JsonReportRenderer;
import io.isostack.correlator.report.TerminalSafeWriter;
import io.isostack.correlator.report.TextReportRenderer;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code correlator analyze}: the offline analysis of recorded traces and kernel events. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Reads recorded OTLP traces and kernel events, finds the slow hops and says in which",
      "isolation layer each lost its time, with the evidence.",
      "",
      "Exit status: 0 the analysis ran (also with rejected records, which are reported);",
      "1 no input could be read or no valid span was found; 2 usage error; 3 the analysis ran",
      "but the OTLP export (--otlp-endpoint) failed or did not finish within --otlp-timeout."
    })
final class AnalyzeCommand implements Callable<Integer> {
  /** The exit status when the analysis ran but findings were not delivered to --otlp-endpoint. */
  static final int EXPORT_FAILED = 3;

  /** The default host when the spans name none or several. */
  private static final String UNKNOWN_HOST = "unknown";

  enum Format {
    text,
    json,
    html
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--traces",
      arity = "1..*",
      required = true,
      paramLabel = "[FORMAT:]FILE",
      description =
          "Traces: OTLP JSON (Collector file exporter or one document) or protobuf"
              + " (bare or length-prefixed), Jaeger JSON (query API or UI download), Zipkin v2"
              + " JSON; detected from the content; gzip is detected; - reads standard input.")
  List<String> traces;

  @Option(
      names = "--events",
      arity = "1..*",
      paramLabel = "[FORMAT:]FILE",
      description =
          "Kernel events: the canonical stream v1, bare or in bpftrace -f json records;"
              + " libbpf-tools/BCC text (runqslower -P, tcplife, tcpstates, execsnoop, exitsnoop,"
              + " runqlat, biolatency, tcpretrans, oomkill), Tetragon JSON export, Inspektor Gadget"
              + " JSON.")
  List<String> events = new ArrayList<>();

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text, json or html (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--check",
      description =
          "Print only the completeness of the input (docs/METHOD.md §6): which signals were"
              + " present, whether each slow span reached kernel evidence, and what to add.")
  boolean check;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report here instead of standard output.")
  Path output;

  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description =
          "The day libbpf-tools' HH:MM:SS timestamps fall on (default: today in the"
              + " --time-zone).")
  LocalDate date;

  @Option(
      names = "--time-zone",
      paramLabel = "ZONE",
      defaultValue = "UTC",
      description =
          "The zone libbpf-tools printed their local HH:MM:SS in (default: ${DEFAULT-VALUE}).")
  ZoneId zone;

  @Option(
      names = "--decode-threads",
      paramLabel = "N",
      description =
          "Threads that decode large canonical kernel-event files in chunks (default: the"
              + " available processors; 1 reads on one thread). The findings do not depend on it.")
  Integer decodeThreads;

  @Option(names = "--decode-chunk-bytes", hidden = true, paramLabel = "BYTES")
  long decodeChunkBytes = InputLoader.DEFAULT_CHUNK_BYTES;

  @CommandLine.Mixin AnalysisOptions analysis = new AnalysisOptions();

  @CommandLine.Mixin OtlpExportOptions otlp = new OtlpExportOptions();

  @Override
  public Integer call() throws IOException {
    AnalyzerSettings options;
    RuleTable table;
    OtlpExportSettings export;
    ClockConverter clocks = new ClockConverter();
    List<InputSpec> traceSpecs = new ArrayList<>();
    List<InputSpec> eventSpecs = new ArrayList<>();
    try {
      if (decodeThreads != null && decodeThreads < 1) {
        throw new IllegalArgumentException(
            "--decode-threads: must be at least 1: " + decodeThreads);
      }
      if (decodeChunkBytes < 1) {
        throw new IllegalArgumentException(
            "--decode-chunk-bytes: must be at least 1: " + decodeChunkBytes);
      }
      analysis.applyClockOffsets(clocks);
      for (String t : traces) {
        traceSpecs.add(InputSpec.parse(t));
      }
      for (String e : events) {
        eventSpecs.add(InputSpec.parse(e));
      }
      table = analysis.ruleTable();
      options = analysis.analyzerOptions("unknown");
      export = otlp.settings();
    } catch (IllegalArgumentException | IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), SettingFlags.describe(e.getMessage()), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    OtlpFindingExporter exporter;
    try {
      exporter = export == null ? null : OtlpFindingExporter.start(export);
      if (exporter != null) {
        exporter.outcome().summariseAtEnd(); // one line at the end, not one per failure
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), SettingFlags.describe(e.getMessage()), e);
    }
    int status;
    try {
      status = analyze(traceSpecs, eventSpecs, table, options, clocks, err, exporter);
    } finally {
      if (exporter != null) {
        exporter.close(otlp.timeout());
      }
    }
    if (exporter != null) {
      String failure = ExportSummary.describe(exporter.outcome(), export, otlp.timeout());
      if (failure != null) {
        err.println("correlator: " + failure);
        err.flush();
        return status == 0 ? EXPORT_FAILED : status;
      }
    }
    return status;
  }

  private int analyze(
      List<InputSpec> traceSpecs,
      List<InputSpec> eventSpecs,
      RuleTable table,
      AnalyzerSettings options,
      ClockConverter clocks,
      PrintWriter err,
      OtlpFindingExporter exporter)
      throws IOException {
    InputSummary summary = new InputSummary();
    LibbpfToolsReader.Options libbpf =
        analysis.libbpfOptions(
            LibbpfToolsReader.Options.defaults(Clock.system(zone))
                .at(date != null ? date : LocalDate.now(zone), zone));
    InputLoader loader =
        new InputLoader(clocks, libbpf, summary, line -> err.println("correlator: " + line));
    loader.decodeThreads(
        decodeThreads != null ? decodeThreads : Runtime.getRuntime().availableProcessors(),
        decodeChunkBytes);
    Progress progress = new Progress(err, Progress.onTerminal());
    loader.onProgress(
        (source, read, total) ->
            progress.status(
                () ->
                    "reading "
                        + source
                        + ": "
                        + Progress.bytes(read)
                        + (total > 0
                            ? String.format(
                                " of %s (%d %%)", Progress.bytes(total), read * 100 / total)
                            : "")));

    if (!eventSpecs.isEmpty()) {
      // The first event file decodes while the spans are read; its chunks of events without
      // host.name are decoded again if the spans give another default host than the guess.
      loader.startEvents(eventSpecs.get(0), analysis.host != null ? analysis.host : UNKNOWN_HOST);
    }
    List<SpanView> spans = new ArrayList<>();
    for (InputSpec t : traceSpecs) {
      loader.readTraces(t, spans::add);
    }
    String defaultHost = analysis.host != null ? analysis.host : onlyHost(spans);
    loader.decodeAhead(defaultHost);
    Analyzer analyzer = new Analyzer(table, options.withDefaultHost(defaultHost));
    spans.forEach(analyzer::addSpan);
    spans = null;
    analyzer.finishSpans();
    for (InputSpec e : eventSpecs) {
      loader.readEvents(e, defaultHost, analyzer::addEvent);
    }
    progress.done();
    summary.clocks(clocks.conversions(), options.skewNanos());
    List<Finding> findings = analyzer.findings();
    AnalysisReport report =
        new AnalysisReport(
            findings,
            summary,
            analyzer.traceCount(),
            analyzer.duplicateSpanCount(),
            analyzer.eventsIndexed(),
            analyzer.eventsOutsideWindows(),
            analyzer.completeness(findings));
    if (check) {
      PrintWriter out = spec.commandLine().getOut();
      CompletenessText.render(report.completeness(), out);
      return analyzer.spanCount() == 0 ? 1 : 0;
    }
    write(report);
    if (exporter != null) {
      exporter.exportAll(findings);
    }
    if (analyzer.spanCount() == 0) {
      err.println("correlator: no valid span was found in " + String.join(", ", traces));
      return 1;
    }
    return 0;
  }

  private void write(AnalysisReport report) throws IOException {
    Writer out =
        output == null
            ? spec.commandLine().getOut()
            : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    try {
      if (format == Format.json) {
        new JsonReportRenderer().render(report, out);
      } else if (format == Format.html) {
        new HtmlReportRenderer().render(report, out);
      } else {
        new TextReportRenderer()
            .render(report, new PrintWriter(output == null ? new TerminalSafeWriter(out) : out));
      }
      out.flush();
    } finally {
      if (output != null) {
        out.close();
      }
    }
  }

  /** The spans' single {@code host.name}, or {@code unknown} when there are none or several. */
  private static String onlyHost(List<SpanView> spans) {
    TreeSet<String> hosts = new TreeSet<>();
    for (SpanView s : spans) {
      if (s.host() != null) {
        hosts.add(s.host());
      }
    }
    return hosts.size() == 1 ? hosts.first() : UNKNOWN_HOST;
  }
}
