package io.isostack.benchmarks;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.InetSocketAddress;

/**
 * The live bench's baseline (issue 11): a minimal OTLP/gRPC receive → export pass-through, what the
 * OpenTelemetry Collector's {@code otlp} receiver → {@code otlp} exporter does without processors.
 * Each {@code TraceService/Export} request is decoded into an {@code ExportTraceServiceRequest}
 * (grpc-java's protobuf marshaller), re-encoded and sent to the sink, and answered once the sink
 * has answered (the sink's error is passed back). The Collector itself cannot be installed here (no
 * Docker; Maven Central, Debian and npm only), so this stands in for it in the same run, and {@link
 * LiveBench} also prints the Collector's published figure.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.isostack.benchmarks.OtlpPassThrough SINK_PORT}; it
 * listens on an ephemeral loopback port, prints {@code OTLP pass-through listening on
 * 127.0.0.1:PORT} on standard output and runs until killed.
 */
public final class OtlpPassThrough {
  private OtlpPassThrough() {}

  /**
   * Runs the pass-through.
   *
   * @param args the sink's loopback port
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    ManagedChannel sink =
        NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(args[0]))
            .usePlaintext()
            .build();
    TraceServiceGrpc.TraceServiceStub exporter = TraceServiceGrpc.newStub(sink);
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(16 << 20)
            .addService(
                new TraceServiceGrpc.TraceServiceImplBase() {
                  @Override
                  public void export(
                      ExportTraceServiceRequest request,
                      StreamObserver<ExportTraceServiceResponse> response) {
                    exporter.export(request, new Forward(response));
                  }
                })
            .build()
            .start();
    System.out.println("OTLP pass-through listening on 127.0.0.1:" + server.getPort());
    System.out.flush();
    server.awaitTermination();
  }

  /** Answers the client once the sink has answered. */
  private record Forward(StreamObserver<ExportTraceServiceResponse> client)
      implements StreamObserver<ExportTraceServiceResponse> {
    @Override
    public void onNext(ExportTraceServiceResponse value) {
      client.onNext(value);
    }

    @Override
    public void onError(Throwable t) {
      client.onError(Status.fromThrowable(t).asRuntimeException());
    }

    @Override
    public void onCompleted() {
      client.onCompleted();
    }
  }
}
