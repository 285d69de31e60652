package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code correlator serve} run as a user runs it: the shaded jar in its own JVM, then SIGTERM. */
@Timeout(60)
class ServeJarIT {
  private static final Path JAR = Path.of("target", "correlator.jar");
  private static final Pattern PORT =
      Pattern.compile("correlator: OTLP/(gRPC|HTTP) listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void servesFollowsProducesPrintsFindingsAndStopsCleanlyOnSigterm(@TempDir Path tmp)
      throws Exception {
    long end = ServeFixture.now();
    long start = end - 600_000_000L;
    Path events = tmp.resolve("events.jsonl");
    Files.writeString(events, "");
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            JAR.toString(),
            "serve",
            "--otlp-grpc-port",
            "0",
            "--otlp-http-port",
            "0",
            "--api",
            "--format",
            "json",
            "--host",
            "node-1",
            "--trace-idle",
            "100ms",
            "--event-lateness",
            "100ms",
            "--events",
            events.toString(),
            "--producer",
            "printf '{\"event.name\":\"sched.offcpu\",\"time_ns\":"
                + end
                + ",\"pid\":7}\\n'; sleep 30");
    // Files, not pipes: a pipe read while the process exits may lose its last lines.
    Path stdout = tmp.resolve("stdout");
    Path stderr = tmp.resolve("stderr");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    p.getOutputStream().close();
    List<String> err = Files.readAllLines(stderr);
    int http = -1;
    int grpc = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((http < 0 || grpc < 0) && System.nanoTime() < deadline && p.isAlive()) {
      err = Files.readAllLines(stderr);
      for (String line : err) {
        Matcher m = PORT.matcher(line);
        if (m.find()) {
          if (m.group(1).equals("HTTP")) {
            http = Integer.parseInt(m.group(2));
          } else {
            grpc = Integer.parseInt(m.group(2));
          }
        }
      }
      Thread.sleep(20);
    }
    assertThat(http).as(String.join("\n", err)).isPositive();
    assertThat(grpc).isPositive();

    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      lines.append(
          "{\"event.name\":\"sched.runq_latency\",\"host.name\":\"node-1\",\"time_ns\":"
              + (start + (i + 1) * 100_000_000L)
              + ",\"pid\":4242,\"tid\":4250,\"dur_ns\":90000000}\n");
    }
    Files.writeString(events, lines, StandardOpenOption.APPEND);
    String trace =
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
            + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"backend\"}},"
            + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"node-1\"}},"
            + "{\"key\":\"process.pid\",\"value\":{\"intValue\":\"4242\"}}]},"
            + "\"scopeSpans\":[{\"spans\":["
            + OtlpData.jsonSpan(OtlpData.spanId(1), null, "GET /pay", start, end)
            + "]}]}]}";
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + http;
    ObjectMapper json = new ObjectMapper();
    long eventsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < eventsDeadline) {
      JsonNode stats = json.readTree(get(client, base + "/api/stats"));
      if (stats.get("eventsReceived").asLong() == 6) {
        break;
      }
      Thread.sleep(20);
    }
    HttpResponse<String> posted =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/traces"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(trace))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(200);
    long findingDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Files.size(stdout) == 0 && System.nanoTime() < findingDeadline) {
      Thread.sleep(20);
    }

    p.destroy(); // SIGTERM
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
    List<String> out = Files.readAllLines(stdout);
    err = Files.readAllLines(stderr);
    assertThat(p.exitValue()).as(String.join("\n", err)).isZero();
    assertThat(out).as(String.join("\n", err)).hasSize(1);
    JsonNode finding = json.readTree(out.get(0));
    assertThat(finding.get("cause").asText()).isEqualTo("cpu-saturation");
    assertThat(err).contains("correlator: stopped");
  }

  private static String get(HttpClient client, String url) throws Exception {
    return client
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
