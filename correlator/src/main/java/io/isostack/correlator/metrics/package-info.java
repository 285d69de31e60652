/**
 * Micrometer binders of the live engine and the receivers, served as Prometheus text on {@code GET
 * /metrics}.
 *
 * <p>May use: {@code receiver}, {@code finding}, {@code engine}.
 */
package io.isostack.correlator.metrics;
