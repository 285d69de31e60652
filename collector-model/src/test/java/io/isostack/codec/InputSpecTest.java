package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InputSpecTest {

  @Test
  void parsesFormatAndPath() {
    assertThat(InputSpec.parse("otlp-json:/tmp/x.json"))
        .isEqualTo(new InputSpec(FormatReaders.trace("otlp-json"), Path.of("/tmp/x.json")));
    assertThat(InputSpec.parse("otlp-proto:a.pb").format().name()).isEqualTo("otlp-proto");
  }

  @Test
  void dashIsStdin() {
    InputSpec spec = InputSpec.parse("events:-");

    assertThat(spec.format().name()).isEqualTo("events");
    assertThat(spec.isStdin()).isTrue();
  }

  @Test
  void plainPathMeansDetect() {
    assertThat(InputSpec.parse("/tmp/x.json"))
        .isEqualTo(new InputSpec(null, Path.of("/tmp/x.json")));
  }

  @Test
  void pathWithColonAndUnknownPrefixIsAPlainPath() {
    InputSpec spec = InputSpec.parse("data:2026-11-21T12:00/traces.json");

    assertThat(spec.format()).isNull();
    assertThat(spec.path()).isEqualTo(Path.of("data:2026-11-21T12:00/traces.json"));
  }

  @Test
  void onlyTheFirstColonSeparatesTheFormat() {
    assertThat(InputSpec.parse("events:/x/a:b.jsonl").path()).isEqualTo(Path.of("/x/a:b.jsonl"));
  }

  @Test
  void emptyPathIsRejectedNamingTheArgument() {
    assertThatThrownBy(() -> InputSpec.parse("events:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'events:'");
    assertThatThrownBy(() -> InputSpec.parse(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLongestFormatNameWins() {
    InputSpec spec = InputSpec.parse("libbpf:runqslower:/tmp/r.txt");

    assertThat(spec.format().name()).isEqualTo("libbpf:runqslower");
    assertThat(spec.path()).hasToString("/tmp/r.txt");
  }
}
