/**
 * Step 0, in: the receivers. OTLP/gRPC and OTLP/HTTP for traces and logs, {@code POST
 * /v1/kernel-events}, followed files and FIFOs, producer commands, and the offline loader of {@code
 * analyze}; they decode with the readers of {@code io.isostack.codec}, count what they reject and
 * push what they accept into {@link io.isostack.correlator.receiver.SpanConsumer} and {@link
 * io.isostack.correlator.receiver.EventConsumer} (the OpenTelemetry Collector's consumer shape).
 *
 * <p>May use: the collector model ({@code io.isostack.model}, {@code codec}, {@code clock}) only.
 */
package io.isostack.correlator.receiver;
