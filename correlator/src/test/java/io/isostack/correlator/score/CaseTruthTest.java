package io.isostack.correlator.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaseTruthTest {
  @TempDir Path tmp;

  @Test
  void readsTheGroundTruthOfACase() throws Exception {
    Path c = Files.createDirectories(tmp.resolve("real-x"));
    Files.writeString(
        c.resolve("expected.json"),
        "{\"expected\":{\"layer\":\"L-3\",\"network\":true,\"causes\":[\"tcp-retransmit\"]},"
            + "\"faultWindow\":{\"startEpochNanos\":10,\"endEpochNanos\":20},"
            + "\"analyzeDate\":\"2026-12-01\"}");
    CaseTruth t = CaseTruth.read(c);

    assertThat(t.name()).isEqualTo("real-x");
    assertThat(t.healthy()).isFalse();
    assertThat(t.layer()).isEqualTo("L-3");
    assertThat(t.network()).isTrue();
    assertThat(t.causes()).containsExactly("tcp-retransmit");
    assertThat(t.slowRootNanos()).isEqualTo(250_000_000L);
    assertThat(t.rootName()).isEqualTo("GET /checkout");
  }

  @Test
  void aFaultCaseWithoutItsLayerIsRejected() throws Exception {
    Path c = Files.createDirectories(tmp.resolve("real-y"));
    Files.writeString(
        c.resolve("expected.json"),
        "{\"expected\":{},\"faultWindow\":{\"startEpochNanos\":10,\"endEpochNanos\":20}}");

    assertThatThrownBy(() -> CaseTruth.read(c)).isInstanceOf(IllegalArgumentException.class);
  }
}
