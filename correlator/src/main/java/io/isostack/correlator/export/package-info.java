/**
 * Findings written back as OTLP (docs/OTLP-EXPORT.md): log records, metrics, enriched spans.
 *
 * <p>May use: {@code finding}, {@code engine}.
 */
package io.isostack.correlator.export;
