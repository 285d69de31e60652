/**
 * The {@code serve} process: its HTTP server (OTLP/HTTP, the findings API, the HTML page, {@code
 * /metrics}, {@code /healthz}), the gRPC receiver and followers wired to the live engine, and the
 * console printer.
 *
 * <p>May use: {@code receiver}, {@code finding}, {@code engine}, {@code report}, {@code metrics},
 * {@code export}.
 */
package io.isostack.correlator.server;
