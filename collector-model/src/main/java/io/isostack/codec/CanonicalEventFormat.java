package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The canonical kernel-event stream ({@code events}; docs/EVENTS.md,
 * docs/formats/01-bpftrace-json.md): bare canonical JSON Lines, bpftrace {@code -f json} records,
 * or bpftrace's plain text output whose lines are canonical JSON, banner and warnings included.
 * Read by {@link KernelEventReader}.
 *
 * <p>Detected ({@link #detect}) when the head mentions {@code "event.name"} (a canonical object,
 * {@link Detection#CERTAIN} - 10, so that formats that embed canonical keys, such as OTLP logs,
 * win) or when the first record line starts with {@code {"type":} (a bpftrace {@code -f json}
 * record, {@link Detection#LIKELY}). Stateless and thread-safe.
 */
final class CanonicalEventFormat implements FormatReader<KernelEvent> {

  @Override
  public String name() {
    return "events";
  }

  @Override
  public int detect(InputHead head) {
    if (head.isBinary() || !head.recordsStartWith('{')) {
      return Detection.NO;
    }
    if (head.contains("\"event.name\"")) {
      return Detection.CERTAIN - 10;
    }
    String first = head.firstRecord().replace(" ", "");
    return first.startsWith("{\"type\":") ? Detection.LIKELY : Detection.POSSIBLE;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    KernelEventReader reader = new KernelEventReader(context.clocks(), context.defaultHost());
    KernelEventReader.StreamState state = new KernelEventReader.StreamState(source);
    Consumer<KernelEvent> sink = out::accept;
    return new LineRecordStream(KernelEventReader.MAX_LINE_BYTES) {
      @Override
      void decode(byte[] buf, int off, int len, long lineNo) {
        reader.decodeLine(buf, off, len, state, lineNo, sink, rejects);
      }

      @Override
      void tooLong(long lineNo, int maxLineBytes) {
        state.tooLong(lineNo, maxLineBytes, rejects);
      }

      @Override
      public void read(InputStream in) throws IOException {
        reader.read(in, state, sink, rejects); // runs of lines through one shared parser
      }

      @Override
      public ReadSummary summary() {
        return state.summary();
      }
    };
  }
}
