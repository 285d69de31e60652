package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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

@Timeout(30)
class EventInputsTest {
  private static final long T0 = 1_795_265_544_053_193_000L;

  private final List<KernelEvent> events = new CopyOnWriteArrayList<>();
  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  private final RejectTally rejects = new RejectTally(System::nanoTime);

  private void sink(List<KernelEvent> batch) {
    batchSizes.add(batch.size());
    events.addAll(batch);
  }

  private EventInput reader() {
    return EventInput.canonical(ReadContext.of(new ClockConverter(), "node-1", Clock.systemUTC()));
  }

  private static String line(int pid) {
    return "{\"event.name\":\"sched.runq_latency\",\"time_ns\":"
        + (T0 + pid)
        + ",\"pid\":"
        + pid
        + ",\"dur_ns\":1000}\n";
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  @Test
  void followsAFileFromItsStartAsItGrows(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("events.jsonl");
    Files.writeString(file, line(1) + line(2));
    try (EventFollower f = new EventFollower(file, reader(), rejects, this::sink)) {
      f.start();
      await(() -> events.size() == 2, "the lines already there");

      Files.writeString(file, line(3) + "{\"event.name\":\"sched.runq", StandardOpenOption.APPEND);
      await(() -> events.size() == 3, "the appended line");
      Files.writeString(
          file, "_latency\",\"time_ns\":" + T0 + ",\"pid\":4}\n", StandardOpenOption.APPEND);
      await(() -> events.size() == 4, "the line completed by a later write");
    }
    assertThat(events).extracting(KernelEvent::pid).containsExactly(1, 2, 3, 4);
    assertThat(rejects.counts()).isEmpty();
  }

  @Test
  void rereadsATruncatedFileFromItsStart(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("events.jsonl");
    Files.writeString(file, line(1) + line(2) + line(3));
    try (EventFollower f = new EventFollower(file, reader(), rejects, this::sink)) {
      f.start();
      await(() -> events.size() == 3, "the first content");
      Files.writeString(file, line(9), StandardOpenOption.TRUNCATE_EXISTING);
      await(() -> events.size() == 4, "the content after truncation");
    }
    assertThat(events.get(3).pid()).isEqualTo(9);
  }

  @Test
  void readsAFifoWriterAfterWriter(@TempDir Path tmp) throws Exception {
    Path fifo = tmp.resolve("events.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeThat(mkfifo.waitFor()).as("mkfifo works here").isZero();
    try (EventFollower f = new EventFollower(fifo, reader(), rejects, this::sink)) {
      f.start();
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(line(1).getBytes(StandardCharsets.UTF_8));
        out.flush();
        await(() -> events.size() == 1, "a line while the writer holds the FIFO open");
      }
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(line(2).getBytes(StandardCharsets.UTF_8));
      }
      await(() -> events.size() == 2, "a second writer's line");
    }
  }

  @Test
  void producerOutputIsReadAndTheProducerStoppedOnClose() throws Exception {
    String command =
        "printf '"
            + line(1).replace("\n", "\\n")
            + "{\"type\":\"lost_events\",\"data\":{\"events\":3}}\\n'; sleep 5; echo late";
    EventProducer p = new EventProducer(command, reader(), rejects, this::sink);
    p.start();
    await(() -> events.size() == 2, "the producer's event and its loss record");
    assertThat(p.exitStatus()).isNull();
    long started = System.nanoTime();
    p.close();
    await(() -> p.exitStatus() != null, "the exit is seen");
    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(3));
    assertThat(events.get(1).name()).isEqualTo(EventName.PRODUCER_LOST);
    assertThat(events).hasSize(2);
  }

  @Test
  void aBatchIsHandedOnAsSoonAsTheStreamPauses() throws Exception {
    String command = "printf '" + line(1).replace("\n", "\\n") + "'; sleep 5";
    try (EventProducer p = new EventProducer(command, reader(), rejects, this::sink)) {
      p.start();
      await(() -> events.size() == 1, "the single event, without waiting for a full batch");
    }
    assertThat(batchSizes).containsExactly(1);
  }
}
