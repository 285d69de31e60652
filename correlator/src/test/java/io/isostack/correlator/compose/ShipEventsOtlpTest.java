package io.isostack.correlator.compose;

import static io.isostack.correlator.compose.ComposeProject.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.codec.OtlpLogEvents;
import io.isostack.codec.OtlpLogEventsJson;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code samples/compose/ship-events.py} with {@code SHIP_FORMAT=otlp}, as the {@code scale}
 * profile runs it toward the Collector's {@code /v1/logs}: the OTLP/JSON logs it posts decode to
 * exactly the kernel events of the stream it read (the shipped real recording's bpftrace-framed
 * scheduler events, with their {@code clock.sync}, and its bare cgroup lines). Needs {@code
 * python3}; skips without it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ShipEventsOtlpTest {
  private static final Path CASE = file("samples/data/real-cpu-throttle");

  @Test
  void theOtlpLogsItPostsAreTheEventsItRead() throws Exception {
    assumeTrue(python(), "python3 is not on the PATH");
    for (String name : List.of("events-sched.jsonl", "events-cgroup.jsonl")) {
      Path input = CASE.resolve(name);
      List<KernelEvent> expected = new ArrayList<>();
      InputSummary summary = new InputSummary();
      new InputLoader(new ClockConverter(), summary, line -> {})
          .readEvents(InputSpec.parse(input.toString()), "vm", expected::add);
      List<byte[]> bodies = ship(input);
      assertThat(bodies).as(name).isNotEmpty();
      ClockConverter clocks = new ClockConverter();
      OtlpLogEvents logs = new OtlpLogEvents(clocks, "elsewhere");
      List<KernelEvent> got = new ArrayList<>();
      AtomicInteger rejected = new AtomicInteger();
      for (byte[] b : bodies) {
        logs.convert(
            OtlpLogEventsJson.parse(b, 0, b.length),
            "test",
            got::add,
            r -> rejected.incrementAndGet());
      }
      assertThat(rejected).as(name).hasValue(0);
      assertThat(got).as(name).hasSameSizeAs(expected);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i)).as(name + " event " + i).isEqualTo(expected.get(i));
      }
    }
  }

  /** Runs the shipper on a file toward a local endpoint; returns the bodies it posted. */
  private static List<byte[]> ship(Path input) throws Exception {
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/logs",
        x -> {
          bodies.add(x.getRequestBody().readAllBytes());
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    server.start();
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
              "python3",
              file("samples/compose/ship-events.py").toString(),
              "sched",
              "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/logs");
      pb.environment().put("SHIP_FORMAT", "otlp");
      pb.environment().put("ISOSTACK_HOST", "vm");
      pb.redirectInput(input.toFile());
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      server.stop(0);
    }
    return bodies;
  }

  private static boolean python() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
