package io.isostack.correlator.receiver;

import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/gRPC receiver (docs/formats/05-otlp.md): {@code TraceService/Export} takes spans, {@code
 * LogsService/Export} takes log records carrying canonical kernel-event fields.
 *
 * <p>Answers OK, with a partial success ({@code rejected_spans} / {@code rejected_log_records} and
 * an {@code error_message}) when some records were invalid, {@code UNAVAILABLE} (retryable) when
 * the engine's queue is full or memory is short: above the {@link MemoryLimiter}'s soft limit a
 * call is refused when it starts, before its message is read and decoded, and a decoded request is
 * reserved ({@link OtlpHttpReceiver#DECODE_FACTOR} times its size) while it is ingested; at most
 * {@value #MAX_CONCURRENT_CALLS} calls are served at once. grpc-java decodes a message before the
 * limiter learns its size, so a message is bounded by {@code maxMessageBytes}, not by the limiter.
 * {@code UNAVAILABLE} carries a {@code google.rpc.RetryInfo} of 1 s. gzip-compressed requests are
 * accepted (gRPC's built-in decompressor). Thread-safe.
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
   * @param memory where decoded requests are reserved, and whose soft limit refuses calls
   */
  public OtlpGrpcReceiver(
      String bind, int port, int maxMessageBytes, LiveIngest ingest, MemoryLimiter memory) {
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(memory, "memory");
    ServerInterceptor admission = new Admission(memory);
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(bind, port))
            .maxInboundMessageSize(maxMessageBytes)
            .addService(ServerInterceptors.intercept(new Traces(ingest, memory), admission))
            .addService(ServerInterceptors.intercept(new Logs(ingest, memory), admission))
            .build();
  }

  /** Calls served at once; more are refused ({@code UNAVAILABLE} with {@code RetryInfo}). */
  static final int MAX_CONCURRENT_CALLS = 16;

  /**
   * Refuses a call before its message is read while memory is above the soft limit or {@value
   * #MAX_CONCURRENT_CALLS} calls are being served (each may hold a decompressed message).
   */
  private static final class Admission implements ServerInterceptor {
    private final MemoryLimiter memory;
    private final Semaphore calls = new Semaphore(MAX_CONCURRENT_CALLS);

    Admission(MemoryLimiter memory) {
      this.memory = memory;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      if (!memory.admits()) {
        memory.refused();
        return refuse(
            call, "the correlator is short of memory (above its soft limit); retry later");
      }
      if (!calls.tryAcquire()) {
        return refuse(call, "too many calls in flight; retry later");
      }
      AtomicBoolean released = new AtomicBoolean();
      Runnable release =
          () -> {
            if (released.compareAndSet(false, true)) {
              calls.release();
            }
          };
      ServerCall.Listener<Q> listener;
      try {
        listener = next.startCall(call, headers);
      } catch (RuntimeException e) {
        release.run();
        throw e;
      }
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
        @Override
        public void onComplete() {
          release.run();
          super.onComplete();
        }

        @Override
        public void onCancel() {
          release.run();
          super.onCancel();
        }
      };
    }

    private static <Q, A> ServerCall.Listener<Q> refuse(ServerCall<Q, A> call, String message) {
      StatusRuntimeException refusal = unavailable(message);
      call.close(refusal.getStatus(), refusal.getTrailers());
      return new ServerCall.Listener<>() {};
    }
  }

  /**
   * {@code UNAVAILABLE} with a {@code google.rpc.RetryInfo} detail asking for a retry after 1 s
   * (OTLP: "the client SHOULD honour the retry delay"), the one retryable refusal of this receiver.
   */
  static StatusRuntimeException unavailable(String message) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE)
            .setMessage(message)
            .addDetails(
                com.google.protobuf.Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(Duration.newBuilder().setSeconds(1))
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /**
   * Reserves the decoded request while it is ingested.
   *
   * @return false when memory is short (nothing reserved)
   */
  private static boolean reserve(MemoryLimiter memory, long bytes) {
    if (memory.tryReserve(MemoryLimiter.Buffer.REQUEST_BODIES, bytes)) {
      return true;
    }
    memory.refused();
    return false;
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
    private final MemoryLimiter memory;

    Traces(LiveIngest ingest, MemoryLimiter memory) {
      this.ingest = ingest;
      this.memory = memory;
    }

    @Override
    public void export(
        ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
      long bytes = (long) OtlpHttpReceiver.DECODE_FACTOR * request.getSerializedSize();
      if (!reserve(memory, bytes)) {
        response.onError(unavailable("the correlator is short of memory; retry later"));
        return;
      }
      IngestResult r;
      try {
        r = ingest.traces(request, OtlpTransport.GRPC, "otlp-grpc");
      } finally {
        memory.release(MemoryLimiter.Buffer.REQUEST_BODIES, bytes);
      }
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
    private final MemoryLimiter memory;

    Logs(LiveIngest ingest, MemoryLimiter memory) {
      this.ingest = ingest;
      this.memory = memory;
    }

    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
      long bytes = (long) OtlpHttpReceiver.DECODE_FACTOR * request.getSerializedSize();
      if (!reserve(memory, bytes)) {
        response.onError(unavailable("the correlator is short of memory; retry later"));
        return;
      }
      IngestResult r;
      try {
        r = ingest.logs(request, OtlpTransport.GRPC, "otlp-grpc");
      } finally {
        memory.release(MemoryLimiter.Buffer.REQUEST_BODIES, bytes);
      }
      if (r.outcome() != IngestResult.Outcome.ACCEPTED) {
        response.onError(failure(r));
        return;
      }
      response.onNext(PartialSuccess.logs(r));
      response.onCompleted();
    }
  }

  private static RuntimeException failure(IngestResult r) {
    if (r.outcome() == IngestResult.Outcome.REFUSED) {
      LOG.debug("OTLP/gRPC request answered UNAVAILABLE: {}", r.message());
      return unavailable(r.message());
    }
    LOG.debug("OTLP/gRPC request answered INVALID_ARGUMENT: {}", r.message());
    return Status.INVALID_ARGUMENT.withDescription(r.message()).asRuntimeException();
  }
}
