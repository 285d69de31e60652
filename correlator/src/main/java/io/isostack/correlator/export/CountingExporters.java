package io.isostack.correlator.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * The SDK's exporters, each wrapped so that the result of every export call is told to an {@link
 * ExportOutcome}. Not instantiable.
 */
final class CountingExporters {
  private CountingExporters() {}

  static LogRecordExporter logs(LogRecordExporter e, ExportOutcome outcome, String where) {
    return new LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> logs) {
        return outcome.follow(e.export(logs), ExportOutcome.Signal.LOGS, logs.size(), where);
      }

      @Override
      public CompletableResultCode flush() {
        return e.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return e.shutdown();
      }
    };
  }

  static MetricExporter metrics(MetricExporter e, ExportOutcome outcome, String where) {
    return new MetricExporter() {
      @Override
      public CompletableResultCode export(Collection<MetricData> metrics) {
        return outcome.follow(
            e.export(metrics), ExportOutcome.Signal.METRICS, metrics.size(), where);
      }

      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType type) {
        return e.getAggregationTemporality(type);
      }

      @Override
      public Aggregation getDefaultAggregation(InstrumentType type) {
        return e.getDefaultAggregation(type);
      }

      @Override
      public MemoryMode getMemoryMode() {
        return e.getMemoryMode();
      }

      @Override
      public CompletableResultCode flush() {
        return e.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return e.shutdown();
      }
    };
  }

  static SpanExporter spans(SpanExporter e, ExportOutcome outcome, String where) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return outcome.follow(e.export(spans), ExportOutcome.Signal.SPANS, spans.size(), where);
      }

      @Override
      public CompletableResultCode flush() {
        return e.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return e.shutdown();
      }
    };
  }
}
