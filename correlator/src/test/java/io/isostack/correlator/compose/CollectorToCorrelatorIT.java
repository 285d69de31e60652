package io.isostack.correlator.compose;

import static io.isostack.correlator.compose.ComposeProject.file;
import static io.isostack.correlator.compose.ComposeProject.service;
import static io.isostack.correlator.compose.ComposeProject.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The collector of {@code docker-compose.yml}, with the project's config, feeding the correlator:
 * spans sent to the collector reach {@code correlator serve} (and Jaeger). The collector and Jaeger
 * images are the ones docker-compose.yml pins; the correlator is the packaged {@code
 * correlator.jar} on {@code eclipse-temurin:17-jre}, all on one Docker network with the Compose
 * service names as aliases. Skipped (JUnit reports the reason) where no Docker engine runs; runs
 * after {@code package} (failsafe), e.g. {@code mvn -pl correlator -am verify
 * -Dit.test=CollectorToCorrelatorIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Testcontainers(disabledWithoutDocker = true)
class CollectorToCorrelatorIT {
  private static final Path JAR = Path.of("target", "correlator.jar").toAbsolutePath();
  private static final String CONFIG = "/etc/otelcol-contrib/config.yaml";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The correlator's bearer token, as the compose file's volume provides it. */
  private static final String TOKEN = "compose-it-token";

  private static final String TOKEN_FILE = "/run/isostack/token";

  private static Network network;
  private static GenericContainer<?> correlator;
  private static GenericContainer<?> jaeger;
  private static GenericContainer<?> collector;

  @BeforeAll
  static void start() {
    assumeTrue(Files.isRegularFile(JAR), "needs " + JAR + ": run mvn package first");
    network = Network.newNetwork();
    correlator =
        new GenericContainer<>(DockerImageName.parse("eclipse-temurin:17-jre"))
            .withNetwork(network)
            .withNetworkAliases("correlator")
            .withCopyFileToContainer(MountableFile.forHostPath(JAR), "/opt/isostack/correlator.jar")
            .withCopyToContainer(Transferable.of(TOKEN), TOKEN_FILE)
            .withCommand(
                "java",
                "-jar",
                "/opt/isostack/correlator.jar",
                "serve",
                "--bind",
                "0.0.0.0",
                "--api",
                "--host",
                "compose-it",
                "--token-file",
                TOKEN_FILE,
                "--insecure-token")
            .withExposedPorts(4318)
            .waitingFor(Wait.forHttp("/healthz").forPort(4318).forStatusCode(200));
    jaeger =
        new GenericContainer<>(DockerImageName.parse(image("jaeger")))
            .withNetwork(network)
            .withNetworkAliases("jaeger")
            .withEnv("JAEGER_LISTEN_HOST", "0.0.0.0")
            .withExposedPorts(16686)
            .waitingFor(Wait.forHttp("/").forPort(16686));
    collector =
        new GenericContainer<>(DockerImageName.parse(image("otel-collector")))
            .withNetwork(network)
            .withNetworkAliases("otel-collector")
            .withCopyFileToContainer(
                MountableFile.forHostPath(file("samples/compose/otel-collector.yaml")), CONFIG)
            .withCopyToContainer(Transferable.of(TOKEN), TOKEN_FILE)
            .withCommand(strings(service("otel-collector").path("command")).toArray(String[]::new))
            .withExposedPorts(4317)
            .waitingFor(Wait.forLogMessage(".*Everything is ready.*", 1));
    correlator.start();
    jaeger.start();
    collector.start();
  }

  @AfterAll
  static void stop() {
    for (GenericContainer<?> c : new GenericContainer<?>[] {collector, jaeger, correlator}) {
      if (c != null) {
        c.stop();
      }
    }
    if (network != null) {
      network.close();
    }
  }

  @Test
  void spansSentToTheCollectorReachTheCorrelatorAndJaeger() throws Exception {
    String endpoint = "http://" + collector.getHost() + ":" + collector.getMappedPort(4317);
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"), "compose-it",
                        AttributeKey.stringKey("host.name"), "compose-it")));
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(
                SimpleSpanProcessor.create(
                    OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build()))
            .build();
    try {
      Tracer tracer = provider.get("compose-it");
      Span root = tracer.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER).startSpan();
      tracer
          .spanBuilder("GET /pay")
          .setParent(Context.current().with(root))
          .setSpanKind(SpanKind.CLIENT)
          .startSpan()
          .end();
      root.end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    String stats =
        "http://" + correlator.getHost() + ":" + correlator.getMappedPort(4318) + "/api/stats";
    await("spansReceived > 0 at " + stats, () -> get(stats).path("spansReceived").asLong() >= 2);
    String services =
        "http://" + jaeger.getHost() + ":" + jaeger.getMappedPort(16686) + "/api/services";
    await(
        "compose-it in " + services,
        () -> strings(get(services).path("data")).contains("compose-it"));
  }

  private static String image(String composeService) {
    return service(composeService).path("image").asText();
  }

  private static JsonNode get(String url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Bearer " + TOKEN)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
    } catch (java.io.IOException e) {
      return JSON.createObjectNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 60 s for " + what).isLessThan(deadline);
      Thread.sleep(500);
    }
  }
}
