package io.isostack.correlator.receiver;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/gRPC receiver (docs/formats/05-otlp.md): {@code TraceService/Export} takes spans, {@code
 * LogsService/Export} takes log records carrying canonical kernel-event fields.
 *
 * <p>Answers OK, with a partial success ({@code rejected_spans} / {@code rejected_log_records} and
 * an {@code error_message}) when some records were invalid, {@code UNAVAILABLE} (retryable) when
 * the engine's queue is full. gzip-compressed requests are accepted (gRPC's built-in decompressor).
 * Thread-safe.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);

  private final Server server;

  /**
   * Creates the receiver; {@link #start()} binds it.
   *
   * @param bind the address to listen on
   * @param port the port; 0 picks a free one
   * @param maxMessageBytes the largest request accepted (after decompression)
   * @param ingest where requests go
   */
  public OtlpGrpcReceiver(String bind, int port, int maxMessageBytes, LiveIngest ingest) {
    Objects.requireNonNull(ingest, "ingest");
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(bind, port))
            .maxInboundMessageSize(maxMessageBytes)
            .addService(new Traces(ingest))
            .addService(new Logs(ingest))
            .build();
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException if the port cannot be bound
   */
  public void start() throws IOException {
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  /** Stops accepting calls and waits briefly for the running ones. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static final class Traces extends TraceServiceGrpc.TraceServiceImplBase {
    private final LiveIngest ingest;

    Traces(LiveIngest ingest) {
      this.ingest = ingest;
    }

    @Override
    public void export(
        ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
      IngestResult r = ingest.traces(request, OtlpTransport.GRPC, "otlp-grpc");
      if (r.outcome() != IngestResult.Outcome.ACCEPTED) {
        response.onError(failure(r));
        return;
      }
      response.onNext(PartialSuccess.traces(r));
      response.onCompleted();
    }
  }

  private static final class Logs extends LogsServiceGrpc.LogsServiceImplBase {
    private final LiveIngest ingest;

    Logs(LiveIngest ingest) {
      this.ingest = ingest;
    }

    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
      IngestResult r = ingest.logs(request, OtlpTransport.GRPC, "otlp-grpc");
      if (r.outcome() != IngestResult.Outcome.ACCEPTED) {
        response.onError(failure(r));
        return;
      }
      response.onNext(PartialSuccess.logs(r));
      response.onCompleted();
    }
  }

  private static RuntimeException failure(IngestResult r) {
    Status s =
        r.outcome() == IngestResult.Outcome.REFUSED ? Status.UNAVAILABLE : Status.INVALID_ARGUMENT;
    LOG.debug("OTLP/gRPC request answered {}: {}", s.getCode(), r.message());
    return s.withDescription(r.message()).asRuntimeException();
  }
}
