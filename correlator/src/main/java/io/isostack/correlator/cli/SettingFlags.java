package io.isostack.correlator.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the names of engine, server and export settings in validation messages to the command-line
 * flags that set them, so that {@code slowThresholdNanos must be positive: 0} reaches the user as
 * {@code --slow-threshold must be positive: 0}. Stateless and thread-safe.
 */
final class SettingFlags {
  private static final Map<String, String> FLAGS =
      Map.ofEntries(
          Map.entry("slowThresholdNanos", "--slow-threshold"),
          Map.entry("slowRequestNanos", "--slow-request"),
          Map.entry("skewNanos", "--skew"),
          Map.entry("traceIdleNanos", "--trace-idle"),
          Map.entry("traceTimeoutNanos", "--trace-timeout"),
          Map.entry("eventLatenessNanos", "--event-lateness"),
          Map.entry("retentionNanos", "--retention"),
          Map.entry("bootstrapServers", "--bootstrap-servers"),
          Map.entry("applicationId", "--application-id"),
          Map.entry("eventTopics", "--events-topic"),
          Map.entry("threads", "--threads"),
          Map.entry("grpcPort", "--otlp-grpc-port"),
          Map.entry("httpPort", "--otlp-http-port"),
          Map.entry("maxBodyBytes", "--max-request-body-size"),
          Map.entry("maxSpansPerTrace", "--max-spans-per-trace"),
          Map.entry("protocol", "--otlp-protocol"),
          Map.entry("endpoint", "--otlp-endpoint"));

  /** Settings named in camel case: found anywhere in a message without matching ordinary words. */
  private static final Pattern CAMEL = Pattern.compile("\\b[a-z]+[A-Z][A-Za-z]*\\b");

  private SettingFlags() {}

  /**
   * The message with the setting it starts with, and every camel-case setting name in it, replaced
   * by the flag that sets it; other messages are returned unchanged.
   */
  static String describe(String message) {
    if (message == null) {
      return "invalid setting";
    }
    int space = message.indexOf(' ');
    if (space > 0 && FLAGS.containsKey(message.substring(0, space))) {
      message = FLAGS.get(message.substring(0, space)) + message.substring(space);
    }
    Matcher m = CAMEL.matcher(message);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(FLAGS.getOrDefault(m.group(), m.group())));
    }
    return m.appendTail(b).toString();
  }
}
