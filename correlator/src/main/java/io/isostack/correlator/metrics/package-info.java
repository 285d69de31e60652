/**
 * Micrometer binders of the live engine, the receivers and a {@code stream} instance, served as
 * Prometheus text on {@code GET /metrics}.
 *
 * <p>May use: {@code receiver}, {@code finding}, {@code engine}, {@code stream}.
 */
package io.isostack.correlator.metrics;
