package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.ReadSummary;
import io.isostack.codec.Rejection;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChunkedEventReader} gives what one {@link KernelEventReader} gives on the whole file. */
class ChunkedEventReaderTest {

  @TempDir Path dir;

  @Test
  void chunksGiveTheOneReaderResultWithSyncsMidFileLostEventsAndRejections() throws IOException {
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, input(new Random(3), 4000), StandardCharsets.UTF_8);
    Result one = oneReader(file);
    for (long chunk : new long[] {97, 1000, 8192, 1 << 20}) {
      for (int threads : new int[] {1, 2, 3}) {
        assertSameAs(one, chunked(file, threads, chunk), "chunk " + chunk + " threads " + threads);
      }
    }
    assertThat(one.rejections).isNotEmpty();
    assertThat(one.summary.lost()).isPositive();
  }

  @Test
  void lostEventsBeforeAnyEventAreDatedAsOneReaderDatesThem() throws IOException {
    Path file = dir.resolve("lost-first.jsonl");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      b.append("{\"type\": \"lost_events\", \"data\": {\"events\": 3}}\n");
    }
    b.append(input(new Random(5), 500));
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    Result one = oneReader(file);
    Result chunked = chunked(file, 2, 500);
    assertThat(firstDifference(chunked.events, one.events)).isEqualTo("none");
    assertThat(chunked.summary).isEqualTo(one.summary);
  }

  @Test
  void startedWithAnotherDefaultHostGivesTheOneReaderResultOfTheFinishingHost() throws IOException {
    Path file = dir.resolve("guessed.jsonl");
    StringBuilder b = new StringBuilder(input(new Random(7), 3000));
    for (int i = 0; i < 20; i++) {
      b.append("{\"event.name\":\"clock.sync\",\"clock\":\"boottime\",\"time_ns\":1000,")
          .append("\"realtime_ns\":1795000000000000000}\n")
          .append("{\"event.name\":\"sched.runq_latency\",\"clock\":\"boottime\",")
          .append("\"time_ns\":")
          .append(5000 + i)
          .append(",\"pid\":7,\"dur_ns\":10}\n");
    }
    b.append(input(new Random(8), 3000));
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    Result one = oneReader(file);
    for (String guess : new String[] {"h", "unknown"}) {
      for (long chunk : new long[] {500, 8192}) {
        assertSameAs(one, started(file, chunk, guess, null), "guess " + guess + " chunk " + chunk);
      }
    }
    assertThat(one.events).anyMatch(e -> e.host().equals("h") && e.pid() == 7);
  }

  @Test
  void decodingAheadWithAnyHostGivesTheOneReaderResult() throws IOException {
    Path file = dir.resolve("ahead.jsonl");
    StringBuilder b = new StringBuilder(input(new Random(9), 3000));
    b.append("{\"event.name\":\"clock.sync\",\"clock\":\"boottime\",\"time_ns\":1000,")
        .append("\"realtime_ns\":1795000000000000000}\n")
        .append("{\"event.name\":\"sched.runq_latency\",\"clock\":\"boottime\",")
        .append("\"time_ns\":900000000,\"pid\":8,\"dur_ns\":10}\n");
    b.append(input(new Random(10), 3000));
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    Result one = oneReader(file);
    for (String guess : new String[] {"h", "unknown"}) {
      for (String ahead : new String[] {"h", "unknown"}) {
        assertSameAs(one, started(file, 500, guess, ahead), "guess " + guess + " ahead " + ahead);
      }
    }
    assertThat(one.events).anyMatch(e -> e.host().equals("h") && e.pid() == 8);
  }

  /**
   * Starts a decoding with the guessed host, lets it decode ahead twice with {@code ahead} (unless
   * null), finishes it with host {@code h}, and asks it to decode ahead once more, which must do
   * nothing.
   */
  private static Result started(Path file, long chunk, String guess, String ahead)
      throws IOException {
    Result r = new Result();
    try (ChunkedEventReader.Decoding d =
        new ChunkedEventReader(2, chunk).start(file, "f", r.clocks, guess)) {
      if (ahead != null) {
        d.ahead(ahead);
        d.ahead(ahead);
      }
      r.summary = d.finish(r.clocks, "h", r.events::add, r.rejections::add, done -> {});
      d.ahead(guess);
    }
    return r;
  }

  private static void assertSameAs(Result one, Result r, String description) {
    assertThat(firstDifference(r.events, one.events)).as(description).isEqualTo("none");
    assertThat(r.rejections).as(description).isEqualTo(one.rejections);
    assertThat(r.summary).as(description).isEqualTo(one.summary);
    assertThat(r.clocks.conversions()).as(description).isEqualTo(one.clocks.conversions());
  }

  private static String firstDifference(List<KernelEvent> a, List<KernelEvent> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return i + ": " + a.get(i) + " vs " + b.get(i);
      }
    }
    return a.size() == b.size() ? "none" : "sizes " + a.size() + " vs " + b.size();
  }

  private static String input(Random r, int lines) {
    StringBuilder b = new StringBuilder();
    b.append(sync("vm", 1000, 1_795_000_000_000_000_000L));
    long t = 2000;
    for (int i = 0; i < lines; i++) {
      t += 1 + r.nextInt(1000);
      int k = r.nextInt(100);
      if (k == 0) {
        b.append(sync("vm", t, 1_795_000_000_000_000_000L + r.nextInt(1000) * 1000L));
      } else if (k == 1) {
        b.append(sync("other", t, 1_795_000_000_100_000_000L));
      } else if (k == 2) {
        b.append("{\"type\": \"lost_events\", \"data\": {\"events\": 7}}\n");
      } else if (k == 3) {
        b.append("not json\n");
      } else if (k == 4) {
        b.append("\n");
      } else if (k == 5) {
        b.append("{\"event.name\":\"sched.runq_latency\",\"time_ns\":5,\"dur_ns\":-1}\n");
      } else {
        String host = k < 20 ? "other" : "vm";
        b.append("{\"event.name\":\"sched.runq_latency\",\"host.name\":\"")
            .append(host)
            .append("\",\"clock\":\"boottime\",\"time_ns\":")
            .append(t)
            .append(",\"pid\":")
            .append(100 + r.nextInt(50))
            .append(",\"dur_ns\":")
            .append(r.nextInt(100000))
            .append("}\n");
      }
    }
    return b.toString();
  }

  private static String sync(String host, long boot, long real) {
    return "{\"event.name\":\"clock.sync\",\"host.name\":\""
        + host
        + "\",\"clock\":\"boottime\",\"time_ns\":"
        + boot
        + ",\"realtime_ns\":"
        + real
        + "}\n";
  }

  private static Result oneReader(Path file) throws IOException {
    Result r = new Result();
    try (InputStream in = Files.newInputStream(file)) {
      r.summary =
          new KernelEventReader(r.clocks, "h").read(in, "f", r.events::add, r.rejections::add);
    }
    return r;
  }

  private static Result chunked(Path file, int threads, long chunk) throws IOException {
    Result r = new Result();
    r.summary =
        new ChunkedEventReader(threads, chunk)
            .read(file, "f", r.clocks, "h", r.events::add, r.rejections::add, done -> {});
    return r;
  }

  private static final class Result {
    final ClockConverter clocks = new ClockConverter();
    final List<KernelEvent> events = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();
    ReadSummary summary;
  }
}
