package io.isostack.correlator.receiver;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;

/**
 * Refuses gRPC calls without the bearer token in their {@code authorization} metadata ({@code
 * Bearer TOKEN}, what the Collector's {@code bearertokenauth} client sends) with {@code
 * UNAUTHENTICATED}, counted as {@link RequestRefusals.Reason#UNAUTHENTICATED}. Thread-safe.
 */
final class BearerTokenInterceptor implements ServerInterceptor {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerToken token;
  private final RequestRefusals refusals;

  BearerTokenInterceptor(BearerToken token, RequestRefusals refusals) {
    this.token = Objects.requireNonNull(token, "token");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!token.matches(headers.get(AUTHORIZATION))) {
      refusals.refused(RequestRefusals.Reason.UNAUTHENTICATED);
      call.close(
          Status.UNAUTHENTICATED.withDescription("missing or wrong bearer token"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
