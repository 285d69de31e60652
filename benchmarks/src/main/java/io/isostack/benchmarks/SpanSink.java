package io.isostack.benchmarks;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OTLP/gRPC sink of the live bench's pass-through baseline: answers every {@code
 * TraceService/Export} at once and counts requests and bytes without decoding them (the bench's own
 * CPU is not what is measured). Thread-safe.
 */
final class SpanSink implements AutoCloseable {
  private final Server server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  SpanSink() throws IOException {
    MethodDescriptor<byte[], ExportTraceServiceResponse> export =
        TraceServiceGrpc.getExportMethod().toBuilder(
                new Raw(), ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
            .build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(16 << 20)
            .addService(
                ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
                    .addMethod(
                        export,
                        ServerCalls.asyncUnaryCall(
                            (body, response) -> {
                              requests.incrementAndGet();
                              bytes.addAndGet(body.length);
                              response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                              response.onCompleted();
                            }))
                    .build())
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  /** Export requests received so far. */
  long requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  /** A request's bytes as they came. */
  private static final class Raw implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
