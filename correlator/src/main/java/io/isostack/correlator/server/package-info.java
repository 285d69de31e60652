/**
 * The live processes' faces: {@code serve} (its HTTP server: OTLP/HTTP, the findings API, the HTML
 * page, {@code /metrics}, {@code /healthz}; the gRPC receiver and followers wired to the live
 * engine; the console printer) and the read-only HTTP face of a {@code stream} instance ({@code
 * StreamServer}: the same API, {@code /metrics} and {@code /healthz} over its Kafka Streams
 * application).
 *
 * <p>May use: {@code receiver}, {@code finding}, {@code engine}, {@code stream}, {@code report},
 * {@code metrics}, {@code export}.
 */
package io.isostack.correlator.server;
