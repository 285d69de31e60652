package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import io.isostack.model.KernelEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory followed by its newest file, as {@code serve --events runsc:DIR/} follows gVisor's
 * boot logs across sandbox restarts. The lines are the shape of a real Sentry log ({@code
 * samples/data/real-gvisor-syscall-heavy}): an {@code Args:} line naming the sandbox's container
 * id, {@code strace.go} exit lines, other log lines.
 */
@Timeout(30)
class NewestFileFollowTest {
  private static final String FIRST = "runsc.log.20261201-235817.102877.boot.txt";
  private static final String SECOND = "runsc.log.20261201-235901.000001.boot.txt";

  private final List<KernelEvent> events = new CopyOnWriteArrayList<>();
  private final RejectTally rejects = new RejectTally(System::nanoTime);

  private static EventInput runsc() {
    return EventInput.named(
        "runsc", ReadContext.of(new ClockConverter(), "node-1", Clock.systemUTC()));
  }

  private static String args(String containerId) {
    return "I1201 23:58:17.102877   20381 main.go:217] Args: [runsc-sandbox --root=/tmp/state"
        + " --debug-log=/tmp/logs/ --strace=true boot --bundle=/tmp/bundle "
        + containerId
        + "]\n";
  }

  /** An exit of {@code fdatasync} taking 2.5 ms: one {@code syscall.latency} event. */
  private static String slowExit(int second) {
    return "I1201 23:58:"
        + second
        + ".580718   20381 strace.go:599] [   1:  18] pay-worker-1 X fdatasync(0xc"
        + " /out/write/journal-1.log) = 0 (0x0) (2.5ms)\n";
  }

  private static final String OTHER =
      "I1201 23:58:17.200000   20381 loader.go:300] Process should have started...\n";

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  private long from(String containerId) {
    return events.stream().filter(e -> containerId.equals(e.containerId())).count();
  }

  @Test
  void followsTheNewestBootLogAcrossSandboxRestarts(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("runsc-logs");
    try (EventFollower f = new EventFollower(dir + "/", runsc(), rejects, events::addAll)) {
      f.start();
      Thread.sleep(300); // the directory does not exist yet: waited for
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("runsc.log.20261201-235817.000001.gofer.txt"), OTHER);
      Files.writeString(dir.resolve(FIRST), args("aaaa") + OTHER + slowExit(20) + slowExit(21));
      await(() -> from("aaaa") == 2, "the first sandbox's exits");

      Files.writeString(dir.resolve(FIRST), slowExit(22), StandardOpenOption.APPEND);
      Files.writeString(dir.resolve(SECOND), args("bbbb") + slowExit(30));
      await(() -> from("bbbb") == 1, "the restarted sandbox's exit, from its own log");
      Files.writeString(dir.resolve(SECOND), slowExit(31), StandardOpenOption.APPEND);
      await(() -> from("bbbb") == 2, "a line appended to the newest log");

      assertThat(from("aaaa")).as("the old log's last line, read before switching").isEqualTo(3);
      assertThat(events).hasSize(5);
      await(() -> f.counts().lines() == 8, "lines of both boot logs, none of the gofer's");
      assertThat(f.counts().records()).isEqualTo(5);
      assertThat(f.counts().skipped()).containsEntry("runsc-log", 3L);
      assertThat(f.bytesRead())
          .isEqualTo(Files.size(dir.resolve(FIRST)) + Files.size(dir.resolve(SECOND)));
      assertThat(f.source()).isEqualTo(dir.resolve("runsc.log.*.boot.txt").toString());
    }
    assertThat(rejects.counts()).isEmpty();
  }

  @Test
  void aGlobPicksTheNewestMatchingFileAndIgnoresOlderOnes(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve(FIRST), args("aaaa") + slowExit(20));
    Files.writeString(tmp.resolve(SECOND), args("bbbb") + slowExit(30));
    try (EventFollower f =
        new EventFollower(
            tmp.resolve("runsc.log.*.boot.txt").toString(), runsc(), rejects, events::addAll)) {
      f.start();
      await(() -> from("bbbb") == 1, "the newest log's exit");
      Thread.sleep(500);
      assertThat(from("aaaa")).as("an older sandbox's log, not followed").isZero();
    }
  }
}
