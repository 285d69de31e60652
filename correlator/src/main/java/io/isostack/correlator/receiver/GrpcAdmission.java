package io.isostack.correlator.receiver;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Admits OTLP/gRPC calls as the HTTP port admits bodies ({@link ReceiverLimits}): refuses a call
 * before its message is read while memory is above the soft limit or {@code maxConcurrentRequests}
 * calls are being served (each may hold a decompressed message), with {@code UNAVAILABLE} and
 * {@code RetryInfo} (retryable); and closes an admitted call whose request has not fully arrived
 * (message and half-close) within the read timeout with {@code DEADLINE_EXCEEDED}, so that a client
 * trickling its message cannot hold a slot. Thread-safe: the timeout and the call's own events race
 * for one flag, and only the winner touches the call.
 */
final class GrpcAdmission implements ServerInterceptor {
  private final MemoryLimiter memory;
  private final Semaphore calls;
  private final long readTimeoutNanos;
  private final ScheduledExecutorService timer;

  /**
   * @param memory whose soft limit refuses calls
   * @param limits the calls served at once and the read timeout
   * @param timer runs the read timeouts; the caller shuts it down
   */
  GrpcAdmission(MemoryLimiter memory, ReceiverLimits limits, ScheduledExecutorService timer) {
    this.memory = memory;
    this.calls = new Semaphore(limits.maxConcurrentRequests());
    this.readTimeoutNanos = limits.readTimeout().toNanos();
    this.timer = timer;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    if (!memory.admits()) {
      memory.refused();
      return refuse(call, "the correlator is short of memory (above its soft limit); retry later");
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
    AtomicBoolean arrivedOrTimedOut = new AtomicBoolean();
    ServerCall.Listener<Q> listener;
    ScheduledFuture<?> timeout;
    try {
      listener = next.startCall(call, headers);
      timeout =
          timer.schedule(
              () -> {
                if (arrivedOrTimedOut.compareAndSet(false, true)) {
                  call.close(
                      Status.DEADLINE_EXCEEDED.withDescription(
                          "the request did not arrive within the read timeout"),
                      new Metadata());
                }
              },
              readTimeoutNanos,
              TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        if (!arrivedOrTimedOut.get()) {
          super.onMessage(message);
        }
      }

      @Override
      public void onHalfClose() {
        if (arrivedOrTimedOut.compareAndSet(false, true)) {
          timeout.cancel(false);
          super.onHalfClose();
        }
      }

      @Override
      public void onComplete() {
        timeout.cancel(false);
        release.run();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        timeout.cancel(false);
        release.run();
        super.onCancel();
      }
    };
  }

  private static <Q, A> ServerCall.Listener<Q> refuse(ServerCall<Q, A> call, String message) {
    StatusRuntimeException refusal = OtlpGrpcReceiver.unavailable(message);
    call.close(refusal.getStatus(), refusal.getTrailers());
    return new ServerCall.Listener<>() {};
  }
}
