package io.isostack.correlator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.receiver.IngestResult;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.FindingJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A store, a real engine and the real ingest: what a killed run stored is replayed once. */
@Timeout(30)
class StoredReplayTest {
  private static final String HOST = "node-1";

  @TempDir Path dir;

  private static long now() {
    Instant i = Clock.systemUTC().instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static LiveAnalyzer engine(Consumer<LiveFinding> sink) {
    LiveSettings options =
        new LiveSettings(
            AnalyzerSettings.defaults().withDefaultHost(HOST),
            100_000_000L,
            5_000_000_000L,
            100_000_000L,
            120_000_000_000L,
            1000,
            1000,
            100);
    return new LiveAnalyzer(RuleTable.defaults(), options, StoredReplayTest::now, sink);
  }

  private static LiveIngest ingest(LiveAnalyzer engine) {
    return new LiveIngest(
        engine,
        engine,
        ReadContext.of(new ClockConverter(), HOST, Clock.systemUTC()),
        new RejectTally(System::nanoTime));
  }

  /** One slow root span (400 ms, over the 250 ms slow threshold): one finding. */
  private static byte[] slowTrace(String traceId, long end) {
    return ("{\"resourceSpans\":[{\"resource\":{\"attributes\":["
            + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"backend\"}},"
            + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\""
            + HOST
            + "\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\""
            + traceId
            + "\",\"spanId\":\"00000000000000a1\",\"name\":\"GET /pay\",\"kind\":2,"
            + "\"startTimeUnixNano\":\""
            + (end - 400_000_000L)
            + "\",\"endTimeUnixNano\":\""
            + end
            + "\"}]}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aReplayedTraceIsEvaluatedAndAFindingPublishedBeforeTheKillIsNotPublishedAgain()
      throws Exception {
    String published = "0af7651916cd43dd8448eb211c80319c";
    String pending = "0af7651916cd43dd8448eb211c80319d";
    long end = now();
    try (WriteAheadStore store = WriteAheadStore.open(dir, 1 << 20)) {
      // The first run: both requests stored and taken (the engine was not started: a kill before it
      // evaluated anything), and the first trace's finding recorded as published.
      LiveAnalyzer first = engine(f -> {});
      LiveIngest in = ingest(first);
      in.writeAhead(store);
      byte[] a = slowTrace(published, end);
      byte[] b = slowTrace(pending, end);
      assertThat(in.tracesJson(a, a.length, "test").outcome())
          .isEqualTo(IngestResult.Outcome.ACCEPTED);
      assertThat(in.tracesJson(b, b.length, "test").outcome())
          .isEqualTo(IngestResult.Outcome.ACCEPTED);
      assertThat(store.firstPublication(published, "00000000000000a1")).isTrue();
    }

    List<LiveFinding> out = new CopyOnWriteArrayList<>();
    try (WriteAheadStore store = WriteAheadStore.open(dir, 1 << 20)) {
      LiveAnalyzer second = engine(new FindingsOnce(store, FindingJson::of, out::add));
      second.start();
      new StoredReplay(store, 5_000_000_000L).into(ingest(second));
      assertThat(store.counts().replayedEntries()).isEqualTo(2);
      assertThat(store.counts().replayedRecords()).isEqualTo(2);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (second.stats().tracesEvaluated() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(second.stats().tracesEvaluated()).isEqualTo(2);
      assertThat(out).hasSize(1);
      assertThat(out.get(0).finding().span().traceId()).isEqualTo(pending);
      assertThat(store.counts().findingsSuppressed()).isEqualTo(1);

      // Both traces evaluated: their entries are settled and go.
      while (second.settledSeq() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      store.truncate(second.settledSeq(), second.windowHorizonNanos());
      assertThat(store.entries()).isZero();
      second.close();
    }
    try (WriteAheadStore store = WriteAheadStore.open(dir, 1 << 20)) {
      // The finding published by the second run is kept, as /api/findings served it.
      assertThat(store.findingsBeforeStart()).hasSize(1);
      StoredFinding kept = store.findingsBeforeStart().get(0);
      assertThat(kept.traceId()).isEqualTo(pending);
      assertThat(kept.json()).contains("\"traceId\":\"" + pending + "\"", "publishedUnixNano");
    }
  }
}
