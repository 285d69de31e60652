package io.isostack.correlator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import io.isostack.correlator.receiver.EventFollower;
import io.isostack.correlator.receiver.EventInput;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.model.KernelEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A followed file resumes where the last run left it, at the events still inside the engine's
 * window, unless it is another file by then.
 */
@Timeout(30)
class FollowerResumeTest {
  @TempDir Path tmp;

  private static String lines(int from, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      b.append("{\"event.name\":\"sched.runq_latency\",\"host.name\":\"node-1\",\"time_ns\":")
          .append(1_700_000_000_000_000_000L + i * 1_000_000L)
          .append(",\"pid\":")
          .append(i)
          .append(",\"tid\":")
          .append(i)
          .append(",\"dur_ns\":1000}\n");
    }
    return b.toString();
  }

  /** Follows {@code file} until {@code n} events came, then stops; returns their pids. */
  private static List<Integer> follow(Path file, WriteAheadStore store, int n) throws Exception {
    return follow(file, store, n, -1);
  }

  /**
   * Follows {@code file} until {@code n} events came or the event of pid {@code last}, then stops
   * (without any clean-up: as a kill would); returns their pids.
   */
  private static List<Integer> follow(Path file, WriteAheadStore store, int n, int last)
      throws Exception {
    ReadContext context = ReadContext.of(new ClockConverter(), "node-1", Clock.systemUTC());
    List<KernelEvent> got = new CopyOnWriteArrayList<>();
    EventFollower f =
        new EventFollower(
            file,
            EventInput.parseFile(file.toString(), context).input(),
            new RejectTally(System::nanoTime),
            got::addAll);
    f.resumeWith(store);
    f.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (got.size() < n
        && (last < 0 || got.stream().noneMatch(e -> e.pid() == last))
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(200); // the offset is saved once the input has nothing more: after the batch
    f.close();
    return got.stream().map(KernelEvent::pid).toList();
  }

  @Test
  void resumesAtTheSavedOffsetAndRereadsAReplacedFileFromItsStart() throws Exception {
    Path file = tmp.resolve("events.jsonl");
    Files.writeString(file, lines(1, 3) + "{\"event.name\":\"sched.runq"); // a partial last line
    try (WriteAheadStore store = WriteAheadStore.open(tmp.resolve("storage"), 1 << 20)) {
      assertThat(follow(file, store, 3)).containsExactly(1, 2, 3);
      store.truncate(0, Long.MAX_VALUE); // the engine's window has moved past those events

      // The partial line is completed and two more come: only those are read again.
      Files.writeString(
          file,
          "_latency\",\"host.name\":\"node-1\",\"time_ns\":1,\"pid\":4,\"tid\":4,\"dur_ns\":1}\n"
              + lines(5, 2),
          StandardOpenOption.APPEND);
      assertThat(follow(file, store, 3)).containsExactly(4, 5, 6);
      assertThat(store.counts().followersResumed()).isEqualTo(1);

      // Rotated: a new file (another inode) under the same name is read from its start.
      Path next = tmp.resolve("events.jsonl.new");
      Files.writeString(next, lines(7, 1));
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
      assertThat(follow(file, store, 1)).containsExactly(7);
    }
  }

  @Test
  void afterACrashReadsAgainTheLinesStillInsideTheWindowAndNotTheOlderOnes() throws Exception {
    int n = 3000; // 20 ms of event time apart: 60 s, about nine 64 KiB reads
    Path file = tmp.resolve("window.jsonl");
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.append("{\"event.name\":\"sched.runq_latency\",\"host.name\":\"node-1\",\"time_ns\":")
          .append(time(i))
          .append(",\"pid\":")
          .append(i)
          .append(",\"tid\":")
          .append(i)
          .append(",\"dur_ns\":1000}\n");
    }
    Files.writeString(file, b.toString());
    Path dir = tmp.resolve("storage");
    WriteAheadStore killed = WriteAheadStore.open(dir, 1 << 20); // never closed: a kill -9
    List<Integer> first = follow(file, killed, n);
    assertThat(first).hasSize(n);
    int inWindow = 2000; // the window starts at this line's event time
    killed.truncate(0, time(inWindow)); // as the engine's truncation does every second

    try (WriteAheadStore store = WriteAheadStore.open(dir, 1 << 20)) {
      List<Integer> again = follow(file, store, Integer.MAX_VALUE, n);
      assertThat(store.counts().followersResumed()).isEqualTo(1);
      int from = again.get(0);
      assertThat(again).as("the rest of the file, in order").hasSize(n - from + 1);
      assertThat(again).isSortedAccordingTo(Integer::compare);
      assertThat(from)
          .as("every line inside the window is read again")
          .isLessThanOrEqualTo(inWindow);
      assertThat(from)
          .as("lines well older than the horizon (more than one 64 KiB read) are not")
          .isGreaterThan(inWindow - 600);
    } finally {
      killed.close();
    }
  }

  private static long time(int line) {
    return 1_700_000_000_000_000_000L + line * 20_000_000L;
  }
}
