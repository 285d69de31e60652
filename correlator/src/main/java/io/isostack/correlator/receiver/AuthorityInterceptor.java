package io.isostack.correlator.receiver;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;

/**
 * Refuses gRPC calls whose {@code :authority} ({@link ServerCall#getAuthority()}) is not an {@link
 * AllowedHosts} name, the HTTP port's {@code Host} check on the gRPC port, with {@code
 * PERMISSION_DENIED} (not retryable in OTLP: the client is misconfigured or hostile), counted as
 * {@link RequestRefusals.Reason#WRONG_HOST}. A call without {@code :authority} passes, as a request
 * without {@code Host} does. Thread-safe.
 */
final class AuthorityInterceptor implements ServerInterceptor {
  private final AllowedHosts hosts;
  private final RequestRefusals refusals;

  AuthorityInterceptor(AllowedHosts hosts, RequestRefusals refusals) {
    this.hosts = Objects.requireNonNull(hosts, "hosts");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String authority = call.getAuthority();
    if (!hosts.allows(authority)) {
      refusals.refused(RequestRefusals.Reason.WRONG_HOST);
      call.close(
          Status.PERMISSION_DENIED.withDescription(
              "authority "
                  + AllowedHosts.printable(authority)
                  + " is not served here (serve --allowed-host)"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
