/**
 * Renderers of an analysis: text, JSON (docs/REPORT.md) and the two-axis HTML page.
 *
 * <p>May use: {@code receiver} (what was read), {@code rules}, {@code finding}, {@code engine}.
 */
package io.isostack.correlator.report;
