package io.isostack.correlator.receiver;

/** The transport an OTLP request came over (docs/formats/05-otlp.md). Thread-safe (an enum). */
public enum OtlpTransport {
  /** OTLP/gRPC: {@code TraceService/Export}, {@code LogsService/Export}. */
  GRPC,
  /** OTLP/HTTP: {@code POST /v1/traces}, {@code POST /v1/logs}, protobuf or JSON. */
  HTTP
}
