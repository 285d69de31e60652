package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.engine.LiveStats;
import io.isostack.correlator.receiver.ReceiverLimits;
import io.isostack.correlator.receiver.TransportSecurity;
import io.isostack.correlator.rules.RuleTable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A live server on ephemeral loopback ports with short live timings (idle 100 ms, lateness 100 ms),
 * and an HTTP client for it.
 */
final class ServeFixture implements AutoCloseable {
  static final String HOST = "node-1";

  final LiveAnalyzer engine;
  final LiveServer server;
  final List<LiveFinding> published = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ServeFixture(int queueCapacity, boolean startEngine, List<String> events, List<String> producers)
      throws IOException {
    this(
        queueCapacity,
        startEngine,
        events,
        producers,
        LibbpfToolsReader.Options.defaults(Clock.systemUTC()));
  }

  ServeFixture(
      int queueCapacity,
      boolean startEngine,
      List<String> events,
      List<String> producers,
      LibbpfToolsReader.Options libbpf)
      throws IOException {
    this(queueCapacity, startEngine, events, producers, libbpf, TransportSecurity.NONE);
  }

  /** A started server with transport security on loopback. */
  ServeFixture(TransportSecurity security) throws IOException {
    this(
        10_000,
        true,
        List.of(),
        List.of(),
        LibbpfToolsReader.Options.defaults(Clock.systemUTC()),
        security);
  }

  /** A started server with these receiver limits on loopback. */
  ServeFixture(ReceiverLimits limits) throws IOException {
    this(
        10_000,
        true,
        List.of(),
        List.of(),
        LibbpfToolsReader.Options.defaults(Clock.systemUTC()),
        TransportSecurity.NONE,
        limits);
  }

  ServeFixture(
      int queueCapacity,
      boolean startEngine,
      List<String> events,
      List<String> producers,
      LibbpfToolsReader.Options libbpf,
      TransportSecurity security)
      throws IOException {
    this(
        queueCapacity,
        startEngine,
        events,
        producers,
        libbpf,
        security,
        ReceiverLimits.DEFAULTS.withMaxRequestBodyBytes(1024 * 1024));
  }

  ServeFixture(
      int queueCapacity,
      boolean startEngine,
      List<String> events,
      List<String> producers,
      LibbpfToolsReader.Options libbpf,
      TransportSecurity security,
      ReceiverLimits limits)
      throws IOException {
    AnalyzerSettings analysis = AnalyzerSettings.defaults().withDefaultHost(HOST);
    LiveSettings options =
        new LiveSettings(
            analysis,
            100_000_000L,
            5_000_000_000L,
            100_000_000L,
            120_000_000_000L,
            1000,
            queueCapacity,
            100);
    engine = new LiveAnalyzer(RuleTable.defaults(), options, ServeFixture::now, published::add);
    server =
        new LiveServer(
            engine,
            new ClockConverter(),
            new LiveServer.Settings(
                "127.0.0.1", 0, 0, limits, true, events, producers, HOST, libbpf, security));
    if (startEngine) {
      server.start();
    } else {
      startReceiversOnly();
    }
  }

  ServeFixture() throws IOException {
    this(10_000, true, List.of(), List.of());
  }

  /** Starts without the engine thread, so that its queue fills up and stays full. */
  private void startReceiversOnly() throws IOException {
    server.startInputs();
  }

  static long now() {
    Instant i = Clock.systemUTC().instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }

  HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits up to 5 s for the engine's counters to satisfy a condition. */
  LiveStats awaitStats(Predicate<LiveStats> condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    LiveStats s = engine.stats();
    while (!condition.test(s) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      s = engine.stats();
    }
    assertThat(condition.test(s)).as("stats %s", s).isTrue();
    return s;
  }

  @Override
  public void close() {
    server.close();
  }
}
