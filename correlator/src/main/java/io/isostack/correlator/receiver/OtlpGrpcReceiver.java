package io.isostack.correlator.receiver;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.isostack.codec.RejectReason;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/gRPC receiver (docs/formats/05-otlp.md): {@code TraceService/Export} takes spans, {@code
 * LogsService/Export} takes log records carrying canonical kernel-event fields.
 *
 * <p>Answers OK, with a partial success ({@code rejected_spans} / {@code rejected_log_records} and
 * an {@code error_message}) when some records were invalid, {@code INVALID_ARGUMENT} when the
 * payload is not a protobuf request (counted as one {@code invalid-protobuf} rejection, logged once
 * per burst), {@code UNAVAILABLE} with a {@code RetryInfo} of 1 s (retryable) when the engine's
 * queue is full or memory is short: above the {@link MemoryLimiter}'s soft limit a call is refused
 * when it starts, before its message is read, and a received payload is reserved ({@link
 * OtlpHttpReceiver#DECODE_FACTOR} times its size) while it is decoded and ingested; at most {@link
 * ReceiverLimits#maxConcurrentRequests()} calls are served at once, and a call whose request has
 * not arrived within {@link ReceiverLimits#readTimeout()} is closed {@code DEADLINE_EXCEEDED}
 * ({@link GrpcAdmission}). A message is bounded by {@link ReceiverLimits#maxRequestBodyBytes()}
 * after decompression ({@code RESOURCE_EXHAUSTED} above it, from grpc-java, which reads it before
 * the limiter learns its size). gzip-compressed requests are accepted (gRPC's built-in
 * decompressor).
 *
 * <p>Before anything else a call's {@code :authority} must be an {@link AllowedHosts} name ({@code
 * PERMISSION_DENIED} otherwise, {@link AuthorityInterceptor}), then it must carry the bearer token
 * when one is configured ({@code UNAUTHENTICATED}); both refusals are counted in {@link
 * RequestRefusals}. Thread-safe.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);
  private static final String SOURCE = "otlp-grpc";

  /** The delay a refused client is told to wait before it retries, in seconds. */
  static final int RETRY_DELAY_SECONDS = 1;

  private final Server server;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "otlp-grpc-read-timeout");
            t.setDaemon(true);
            return t;
          });

  /**
   * Creates the receiver with TLS and a bearer token; {@link #start()} binds it.
   *
   * @param bind the address to listen on
   * @param port the port; 0 picks a free one
   * @param limits the largest request accepted (after decompression) and the calls served at once
   * @param ingest where requests go
   * @param memory where received payloads are reserved, and whose soft limit refuses calls
   * @param tls the server's key material (and client CA for mutual TLS: clients without a
   *     certificate it trusts fail the handshake), or null for plaintext
   * @param token the bearer token calls must carry ({@code UNAUTHENTICATED} otherwise), or null
   * @param hosts the {@code :authority} names served
   * @param refusals where calls refused for their authority or token are counted
   */
  public OtlpGrpcReceiver(
      String bind,
      int port,
      ReceiverLimits limits,
      LiveIngest ingest,
      MemoryLimiter memory,
      TlsFiles tls,
      BearerToken token,
      AllowedHosts hosts,
      RequestRefusals refusals) {
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(limits, "limits");
    InetSocketAddress address = new InetSocketAddress(bind, port);
    NettyServerBuilder b;
    if (tls == null) {
      b = NettyServerBuilder.forAddress(address);
    } else {
      TlsServerCredentials.Builder creds =
          TlsServerCredentials.newBuilder().keyManager(tls.keyManager());
      if (tls.trustManager() != null) {
        creds.trustManager(tls.trustManager()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      b = NettyServerBuilder.forAddress(address, creds.build());
    }
    b.maxInboundMessageSize(limits.maxRequestBodyBytes());
    // Interceptors run last-added first: authority, then token, then admission.
    List<ServerInterceptor> chain = new ArrayList<>();
    chain.add(new GrpcAdmission(memory, limits, timer));
    if (token != null) {
      chain.add(new BearerTokenInterceptor(token, refusals));
    }
    chain.add(new AuthorityInterceptor(hosts, refusals));
    b.addService(ServerInterceptors.intercept(traces(ingest, memory), chain))
        .addService(ServerInterceptors.intercept(logs(ingest, memory), chain));
    this.server = b.build();
  }

  /**
   * {@code UNAVAILABLE} with a {@code google.rpc.RetryInfo} detail asking for a retry after 1 s
   * (OTLP: "the client SHOULD honour the retry delay"), the one retryable refusal of this receiver.
   */
  static StatusRuntimeException unavailable(String message) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.UNAVAILABLE.value())
            .setMessage(message)
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(Duration.newBuilder().setSeconds(RETRY_DELAY_SECONDS))
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
    } finally {
      timer.shutdownNow();
    }
  }

  /**
   * {@code TraceService/Export} with the request decoded here rather than by gRPC's marshaller: an
   * undecodable payload is then a counted rejection answered {@code INVALID_ARGUMENT} (what the
   * Collector's receiver answers), not an exception gRPC answers {@code UNKNOWN} after logging its
   * stack trace.
   */
  private static ServerServiceDefinition traces(LiveIngest ingest, MemoryLimiter memory) {
    MethodDescriptor<byte[], ExportTraceServiceResponse> method =
        TraceServiceGrpc.getExportMethod().toBuilder(
                RawBytes.MARSHALLER,
                ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
        .addMethod(
            method,
            ServerCalls.asyncUnaryCall(
                (byte[] body, StreamObserver<ExportTraceServiceResponse> response) -> {
                  IngestResult r = reserved(memory, body, () -> decodeTraces(ingest, body));
                  if (r.outcome() != IngestResult.Outcome.ACCEPTED) {
                    response.onError(failure(r));
                    return;
                  }
                  response.onNext(PartialSuccess.traces(r));
                  response.onCompleted();
                }))
        .build();
  }

  /** {@code LogsService/Export}, decoded here as {@link #traces} is. */
  private static ServerServiceDefinition logs(LiveIngest ingest, MemoryLimiter memory) {
    MethodDescriptor<byte[], ExportLogsServiceResponse> method =
        LogsServiceGrpc.getExportMethod().toBuilder(
                RawBytes.MARSHALLER,
                ProtoUtils.marshaller(ExportLogsServiceResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(LogsServiceGrpc.SERVICE_NAME)
        .addMethod(
            method,
            ServerCalls.asyncUnaryCall(
                (byte[] body, StreamObserver<ExportLogsServiceResponse> response) -> {
                  IngestResult r = reserved(memory, body, () -> decodeLogs(ingest, body));
                  if (r.outcome() != IngestResult.Outcome.ACCEPTED) {
                    response.onError(failure(r));
                    return;
                  }
                  response.onNext(PartialSuccess.logs(r));
                  response.onCompleted();
                }))
        .build();
  }

  /**
   * Runs a decode with the payload reserved ({@link OtlpHttpReceiver#DECODE_FACTOR} times its size)
   * in the request-bodies buffer; refused, without decoding, when memory is short.
   */
  private static IngestResult reserved(
      MemoryLimiter memory, byte[] body, Supplier<IngestResult> decode) {
    long bytes = (long) OtlpHttpReceiver.DECODE_FACTOR * body.length;
    if (!reserve(memory, bytes)) {
      return new IngestResult(
          IngestResult.Outcome.REFUSED,
          0,
          0,
          "the correlator is short of memory (above its soft limit); retry later",
          List.of());
    }
    try {
      return decode.get();
    } finally {
      memory.release(MemoryLimiter.Buffer.REQUEST_BODIES, bytes);
    }
  }

  /** Decodes a {@code TraceService/Export} payload into {@code ingest}; never throws. */
  static IngestResult decodeTraces(LiveIngest ingest, byte[] body) {
    return ingest.traces(body, body.length, OtlpTransport.GRPC, SOURCE);
  }

  /** Decodes a {@code LogsService/Export} payload into {@code ingest}; never throws. */
  static IngestResult decodeLogs(LiveIngest ingest, byte[] body) {
    try {
      return ingest.logs(ExportLogsServiceRequest.parseFrom(body), OtlpTransport.GRPC, SOURCE);
    } catch (InvalidProtocolBufferException e) {
      return undecodable(ingest, e);
    }
  }

  private static IngestResult undecodable(LiveIngest ingest, InvalidProtocolBufferException e) {
    return ingest.undecodable(
        SOURCE,
        RejectReason.INVALID_PROTOBUF,
        "the payload is not a valid protobuf message: " + e.getMessage());
  }

  /** The request payload as it came off the wire; its size is bounded by the transport. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    static final RawBytes MARSHALLER = new RawBytes();

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("reading the request failed").asRuntimeException();
      }
    }
  }

  /**
   * The error status of a refused or invalid request: {@code UNAVAILABLE} with a {@code
   * google.rpc.RetryInfo} of {@value #RETRY_DELAY_SECONDS} s when the engine's queue is full (the
   * OTLP exporter waits that long before it retries), {@code INVALID_ARGUMENT} (not retryable)
   * otherwise.
   */
  static RuntimeException failure(IngestResult r) {
    boolean refused = r.outcome() == IngestResult.Outcome.REFUSED;
    Status.Code code = refused ? Status.Code.UNAVAILABLE : Status.Code.INVALID_ARGUMENT;
    LOG.debug("OTLP/gRPC request answered {}: {}", code, r.message());
    com.google.rpc.Status.Builder s =
        com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(r.message());
    if (refused) {
      s.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(Duration.newBuilder().setSeconds(RETRY_DELAY_SECONDS))
                  .build()));
    }
    return StatusProto.toStatusRuntimeException(s.build());
  }
}
