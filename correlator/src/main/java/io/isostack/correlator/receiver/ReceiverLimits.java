package io.isostack.correlator.receiver;

import java.time.Duration;

/**
 * How much one client may make the receivers hold, and for how long (the OpenTelemetry Collector's
 * {@code max_request_body_size}, {@code max_concurrent_streams} and {@code read_timeout}).
 * Immutable; thread-safe.
 *
 * @param maxRequestBodyBytes the largest request, bytes, before and after decompression: HTTP 413,
 *     gRPC {@code RESOURCE_EXHAUSTED} above it (OTLP/HTTP; grpc-java's {@code
 *     maxInboundMessageSize}); {@code --max-request-body-size}, default 64 MiB
 * @param maxConcurrentRequests request bodies read at once on the HTTP port (429 with {@code
 *     Retry-After} beyond) and calls served at once on the gRPC port ({@code UNAVAILABLE} with
 *     {@code RetryInfo} beyond); {@code --max-concurrent-requests}, default 16
 * @param readTimeout the longest an HTTP request body may take to arrive after its request's start
 *     (408 after), and a gRPC call's message and half-close after its headers ({@code
 *     DEADLINE_EXCEEDED} after); {@code --read-timeout}, default 20 s
 * @param idleTimeout an HTTP connection that sends nothing for this long is closed; {@code
 *     --idle-timeout}, default 10 s
 */
public record ReceiverLimits(
    int maxRequestBodyBytes,
    int maxConcurrentRequests,
    Duration readTimeout,
    Duration idleTimeout) {

  /** The most concurrent requests that may be configured. */
  public static final int MAX_CONCURRENT_REQUESTS = 1024;

  /** The longest timeout that may be configured: one hour. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /** 64 MiB bodies, 16 at once, 20 s to arrive, 10 s idle. */
  public static final ReceiverLimits DEFAULTS =
      new ReceiverLimits(64 << 20, 16, Duration.ofSeconds(20), Duration.ofSeconds(10));

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the flag when a value is out of range
   */
  public ReceiverLimits {
    if (maxRequestBodyBytes <= 0) {
      throw new IllegalArgumentException(
          "--max-request-body-size must be positive: " + maxRequestBodyBytes);
    }
    if (maxConcurrentRequests < 1 || maxConcurrentRequests > MAX_CONCURRENT_REQUESTS) {
      throw new IllegalArgumentException(
          "--max-concurrent-requests must be 1.."
              + MAX_CONCURRENT_REQUESTS
              + ": "
              + maxConcurrentRequests);
    }
    checkTimeout(readTimeout, "--read-timeout");
    checkTimeout(idleTimeout, "--idle-timeout");
  }

  private static void checkTimeout(Duration d, String flag) {
    if (d == null || d.toMillis() < 1 || d.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(flag + " must be 1ms..1h: " + d);
    }
  }

  /** These limits with another {@link #maxRequestBodyBytes}. */
  public ReceiverLimits withMaxRequestBodyBytes(int bytes) {
    return new ReceiverLimits(bytes, maxConcurrentRequests, readTimeout, idleTimeout);
  }
}
