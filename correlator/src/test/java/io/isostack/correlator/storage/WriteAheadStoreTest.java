package io.isostack.correlator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.receiver.WriteAheadLog.Kind;
import io.isostack.correlator.receiver.WriteAheadLog.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadStoreTest {
  private static final long CAP = 1 << 20;

  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> entries(WriteAheadStore store) throws Exception {
    List<String> out = new ArrayList<>();
    store.forEachEntry(
        (seq, kind, format, body) ->
            out.add(
                seq + " " + kind + " " + format + " " + new String(body, StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void keepsOnlyWhatTheOfferTookAndNumbersOnAfterReopening() throws Exception {
    AtomicLong offered = new AtomicLong();
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      Outcome a =
          store.append(
              Kind.TRACES_JSON,
              null,
              () -> bytes("a"),
              Long.MIN_VALUE,
              s -> {
                offered.set(s);
                return true;
              });
      Outcome b =
          store.append(Kind.TRACES_JSON, null, () -> bytes("b"), Long.MIN_VALUE, s -> false);
      assertThat(a).isEqualTo(Outcome.ACCEPTED);
      assertThat(b).isEqualTo(Outcome.REFUSED);
      assertThat(offered.get()).isEqualTo(1);
      assertThat(store.entries()).isEqualTo(1);
      assertThat(store.bytes()).isEqualTo(1);
    }
    // Reopened as after a kill: the refused one left nothing, numbering goes on.
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      assertThat(entries(store)).containsExactly("1 TRACES_JSON null a");
      store.append(
          Kind.KERNEL_EVENTS,
          "events",
          () -> bytes("c"),
          5,
          s -> {
            offered.set(s);
            return true;
          });
      assertThat(offered.get()).isEqualTo(2);
      assertThat(entries(store))
          .containsExactly("1 TRACES_JSON null a", "2 KERNEL_EVENTS events c");
    }
  }

  @Test
  void aStoreAtItsCapFailsTheAppendWithoutOffering() throws Exception {
    try (WriteAheadStore store = WriteAheadStore.open(dir, 4)) {
      AtomicLong offers = new AtomicLong();
      Outcome o =
          store.append(
              Kind.TRACES_JSON,
              null,
              () -> bytes("12345"),
              Long.MIN_VALUE,
              s -> {
                offers.incrementAndGet();
                return true;
              });
      assertThat(o).isEqualTo(Outcome.FAILED);
      assertThat(offers.get()).isZero();
      assertThat(store.counts().writeFailures()).isEqualTo(1);
      assertThat(store.entries()).isZero();
    }
  }

  @Test
  void truncationDeletesSettledSpansAndEventsThatLeftTheWindow() throws Exception {
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      store.append(Kind.TRACES_JSON, null, () -> bytes("s1"), Long.MIN_VALUE, s -> true);
      store.append(Kind.KERNEL_EVENTS, null, () -> bytes("e-old"), 100, s -> true);
      store.append(Kind.TRACES_PROTO, null, () -> bytes("s3"), Long.MIN_VALUE, s -> true);
      store.append(Kind.LOGS_PROTO, null, () -> bytes("e-new"), 300, s -> true);
      assertThat(store.firstPublication("t1", "a")).isTrue(); // recorded at seq 4

      store.truncate(1, 200);
      assertThat(entries(store))
          .containsExactly("3 TRACES_PROTO null s3", "4 LOGS_PROTO null e-new");
      assertThat(store.entries()).isEqualTo(2);
      assertThat(store.bytes()).isEqualTo(7);
      assertThat(store.firstPublication("t1", "a")).as("key kept while seq 4 may replay").isFalse();

      store.truncate(4, 301);
      assertThat(entries(store)).isEmpty();
      assertThat(store.bytes()).isZero();
      assertThat(store.firstPublication("t1", "a")).as("key gone with its entries").isTrue();
    }
  }

  @Test
  void aFindingKeyIsPublishedOnceAlsoAfterReopening() throws Exception {
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      assertThat(store.firstPublication("trace-1", "span-1")).isTrue();
      assertThat(store.firstPublication("trace-1", "span-1")).isFalse();
      assertThat(store.firstPublication("trace-1", "span-2")).isTrue();
    }
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      assertThat(store.firstPublication("trace-1", "span-1")).isFalse();
    }
  }

  @Test
  void anOffsetResumesOnlyTheSameFileAtLeastAsLong() throws Exception {
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      store.consumed("events.jsonl", "(dev=1,ino=7)", 120, 5_000);
      store.truncate(0, 10_000); // the window starts after those events
    }
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      assertThat(store.resumeAt("events.jsonl", "(dev=1,ino=7)", 500)).isEqualTo(120);
      assertThat(store.resumeAt("events.jsonl", "(dev=1,ino=8)", 500)).as("rotated").isZero();
      assertThat(store.resumeAt("events.jsonl", "(dev=1,ino=7)", 100)).as("truncated").isZero();
      assertThat(store.resumeAt("other.jsonl", "(dev=1,ino=7)", 500)).isZero();
      assertThat(store.counts().followersResumed()).isEqualTo(1);
    }
  }

  @Test
  void resumesAtTheNewestCheckpointWhoseEventsLeftTheWindow() throws Exception {
    String key = "(dev=1,ino=7)";
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      store.consumed("f", key, 100, 1_000_000_000L); // second 1
      store.consumed("f", key, 200, 2_500_000_000L); // second 2
      store.consumed("f", key, 250, 2_900_000_000L); // second 2 again: moves that checkpoint on
      store.consumed("f", key, 300, 3_100_000_000L); // second 3
      store.consumed("f", key, 400, 1_000L); // older events after: the time before stays 3.1 s
      assertThat(store.resumeAt("f", key, 1000)).as("no horizon yet: from the start").isZero();
      store.truncate(0, 3_000_000_000L);
    }
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      assertThat(store.resumeAt("f", key, 1000)).isEqualTo(250);
      store.truncate(0, 3_200_000_000L);
      assertThat(store.resumeAt("f", key, 1000)).isEqualTo(400);
      assertThat(store.resumeAt("f", key, 399))
          .as("below the horizon only the newest checkpoint is kept")
          .isZero();
      // Read again from its start (truncated): the checkpoints past the new offset are dropped.
      store.consumed("f", key, 0, Long.MIN_VALUE);
      assertThat(store.resumeAt("f", key, 1000)).isZero();
    }
  }

  @Test
  void keepsTheLastThousandPublishedFindingsForAfterARestart() throws Exception {
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      assertThat(store.findingsBeforeStart()).isEmpty();
      for (int i = 0; i < WriteAheadStore.FINDINGS_KEPT + 5; i++) {
        int n = i;
        assertThat(store.firstPublication("t" + i, "s", () -> "{\"n\":" + n + "}")).isTrue();
      }
      assertThat(store.firstPublication("t3", "s", () -> "{}")).isFalse();
    }
    try (WriteAheadStore store = WriteAheadStore.open(dir, CAP)) {
      List<StoredFinding> kept = store.findingsBeforeStart();
      assertThat(kept).hasSize(WriteAheadStore.FINDINGS_KEPT);
      assertThat(kept.get(0))
          .isEqualTo(
              new StoredFinding(
                  "t" + (WriteAheadStore.FINDINGS_KEPT + 4),
                  "s",
                  "{\"n\":" + (WriteAheadStore.FINDINGS_KEPT + 4) + "}"));
      assertThat(kept.get(kept.size() - 1).traceId()).isEqualTo("t5");
      store.firstPublication("next", "s", () -> "{}");
      assertThat(store.findingsBeforeStart()).as("this run's are not 'before'").hasSize(1000);
    }
  }
}
