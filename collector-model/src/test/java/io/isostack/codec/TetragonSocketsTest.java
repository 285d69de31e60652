package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tetragon's process_connect/close/listen, on the Tetragon documentation's own events. */
class TetragonSocketsTest {
  private static final String CONNECT = "tetragon/tetragon_docs_process_connect.json";
  private static final String CLOSE = "tetragon/tetragon_docs_process_close.json";

  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();
  private final AdapterStream stream = new AdapterStream("t");

  private String resource(String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The document on one line, as the JSON export writes it. */
  private String line(String path) throws IOException {
    return new ObjectMapper().readTree(resource(path)).toString();
  }

  private void read(String text) throws IOException {
    new TetragonReader("default-host")
        .read(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            stream,
            events::add,
            rejects::add);
  }

  private static long nanos(String rfc3339) {
    Instant t = Instant.parse(rfc3339);
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Test
  void aConnectAndItsCloseGiveOneConnectionLifetimeOfTheProcess() throws IOException {
    read(resource(CONNECT) + "\n" + resource(CLOSE));

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(1);
    KernelEvent e = events.get(0);
    assertThat(e.name()).isEqualTo(EventName.TCP_LIFETIME);
    assertThat(e.host()).isEqualTo("minikube");
    assertThat(e.pid()).isEqualTo(115153);
    assertThat(e.comm()).isEqualTo("curl");
    assertThat(e.containerId())
        .isEqualTo("86eb9e29a77d432afc7a15b424db1d24a382f3caae26f860ab22df8cb5e96054");
    assertThat(e.flow())
        .isEqualTo(
            new FlowKey(
                new Endpoint("10.88.0.7", 49168), new Endpoint("142.250.180.196", 80), "tcp"));
    assertThat(e.startEpochNanos()).isEqualTo(nanos("2022-01-19T16:29:02.021Z"));
    assertThat(e.endEpochNanos()).isEqualTo(nanos("2022-01-19T16:29:02.507Z"));
    assertThat(e.attrs())
        .containsEntry("tx_bytes", "78")
        .containsEntry("rx_bytes", "15221")
        .containsEntry("segs_in", "14")
        .containsEntry("srtt", "699229")
        .containsEntry("connect_seen", "true")
        .containsEntry("k8s.pod.name", "elasticsearch-56f8fc6988-pb8c7");
    assertThat(e.source()).isEqualTo("tetragon:process_close");
    assertThat(stream.summary().skipped())
        .containsExactly(Map.entry("tetragon-process_connect", 1L));
  }

  @Test
  void socketEventsAreDetectedAsTetragonWithoutANodeName() throws IOException {
    byte[] b =
        line(CONNECT).replace("\"node_name\":\"minikube\",", "").getBytes(StandardCharsets.UTF_8);

    assertThat(new String(b, StandardCharsets.UTF_8)).doesNotContain("node_name");
    assertThat(FormatReaders.detect(InputHead.of(b, b.length)).format().name())
        .isEqualTo("tetragon");
  }

  @Test
  void aCloseWithoutItsConnectIsAnInstantLifetime() throws IOException {
    read(line(CLOSE));

    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.durNanos()).isZero();
              assertThat(e.attrs()).containsEntry("connect_seen", "false");
            });
  }

  @Test
  void listensAndKprobesThatAreNoEvidenceAreSkippedByWhatTheyAre() throws IOException {
    String listen =
        line(CONNECT)
            .replace("\"process_connect\"", "\"process_listen\"")
            .replace("\"destination_ip\":\"142.250.180.196\",", "");
    String sendmsg =
        "{\"process_kprobe\":{\"process\":{\"pid\":1,\"binary\":\"/usr/bin/curl\"},"
            + "\"function_name\":\"tcp_sendmsg\",\"args\":[]},\"node_name\":\"n\","
            + "\"time\":\"2022-01-19T16:29:02.1Z\"}";
    String loader =
        "{\"process_loader\":{\"path\":\"/lib/x.so\"},\"time\":\"2022-01-19T16:29:02Z\"}";

    read(String.join("\n", listen, sendmsg, sendmsg, loader));

    assertThat(events).isEmpty();
    assertThat(rejects).isEmpty();
    assertThat(stream.summary().skipped())
        .containsExactly(
            Map.entry("tetragon-kprobe:tcp_sendmsg", 2L),
            Map.entry("tetragon-process_listen", 1L),
            Map.entry("tetragon-process_loader", 1L));
  }

  @Test
  void brokenAndTruncatedSocketEventsAreRejectedAndTheOthersRead() throws IOException {
    String close = line(CLOSE);
    read(
        String.join(
            "\n",
            close.replace("\"destination_ip\":\"142.250.180.196\",", ""),
            close.replace("\"time\":\"2022-01-19T16:29:02.507Z\"", "\"time\":\"yesterday\""),
            close.substring(0, close.length() / 2),
            close.replace("\"source_port\":49168", "\"source_port\":\"many\""),
            close));

    assertThat(events).hasSize(1);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(1L, RejectReason.MISSING_FIELD),
            tuple(2L, RejectReason.INVALID_VALUE),
            tuple(3L, RejectReason.INVALID_JSON),
            tuple(4L, RejectReason.INVALID_VALUE));
    assertThat(rejects.get(0).message()).contains("process_close.source_ip or destination_ip");
    assertThat(stream.summary().rejected()).isEqualTo(4);
  }
}
