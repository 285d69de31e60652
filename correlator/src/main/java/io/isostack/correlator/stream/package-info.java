/**
 * The driver of {@code correlator stream}: the method as a Kafka Streams application fed by the
 * OpenTelemetry Collector's {@code kafka} exporter. Stage 1 assembles traces by trace id and runs
 * the horizontal step; its slow hops are repartitioned by {@code host.name} together with the
 * kernel events; stage 2 keeps each host's events in a window store and runs the same vertical step
 * as {@code analyze} and {@code serve}. Findings go to a topic as OTLP logs.
 *
 * <p>May use: {@code receiver}, {@code detect}, {@code join}, {@code rules}, {@code finding},
 * {@code verdict}, {@code engine} (settings and {@code LiveFinding}) and {@code export} (a finding
 * as an OTLP log record).
 */
package io.isostack.correlator.stream;
