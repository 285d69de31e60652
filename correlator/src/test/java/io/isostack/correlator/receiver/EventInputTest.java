package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventInputTest {
  private final ReadContext context = ReadContext.of(new ClockConverter(), "h", Clock.systemUTC());

  @Test
  void theLongestEventFormatNameBeforeAColonNamesTheFormat() {
    EventInput.Target t = EventInput.parse("libbpf:runqslower:runqslower -P 10000", context);

    assertThat(t.input().format().name()).isEqualTo("libbpf:runqslower");
    assertThat(t.target()).isEqualTo("runqslower -P 10000");
  }

  @Test
  void aValueWithoutAFormatIsTheCanonicalStreamAndKeepsItsColons() {
    EventInput.Target t = EventInput.parse("bpftrace -e 'BEGIN { printf(\"a:b\"); }'", context);

    assertThat(t.input().format().name()).isEqualTo(EventInput.DEFAULT_FORMAT);
    assertThat(t.target()).isEqualTo("bpftrace -e 'BEGIN { printf(\"a:b\"); }'");
    assertThat(EventInput.parse("-", context).target()).isEqualTo("-");
  }

  @Test
  void aTraceFormatOrAnEmptyTargetIsNoEventInput() {
    assertThatThrownBy(() -> EventInput.parse("otlp-json:/tmp/x", context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("otlp-json carries spans");
    assertThatThrownBy(() -> EventInput.parse("tetragon:", context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tetragon:'");
    assertThatThrownBy(() -> EventInput.named("otlp-json", context))
        .hasMessageContaining("unknown event format 'otlp-json'");
  }

  @Test
  void anExistingFileWithoutAFormatGetsTheDetectedOne(@TempDir Path tmp) throws Exception {
    Path dmesg = Files.writeString(tmp.resolve("k.log"), "[    0.000000] Linux version 6.18\n");
    Path later = tmp.resolve("not-yet.jsonl");

    assertThat(EventInput.parseFile(dmesg.toString(), context).input().format().name())
        .isEqualTo("dmesg");
    assertThat(EventInput.parseFile(later.toString(), context).input().format().name())
        .isEqualTo(EventInput.DEFAULT_FORMAT);
    assertThat(EventInput.parseFile("tetragon:" + dmesg, context).input().format().name())
        .as("a named format wins")
        .isEqualTo("tetragon");
  }
}
