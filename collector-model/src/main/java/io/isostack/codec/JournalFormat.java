package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.util.function.Consumer;

/**
 * {@code journalctl -o json} ({@code journald}; kernel and unit logs), read by {@link
 * JournalReader}.
 *
 * <p>Detected ({@link Detection#CERTAIN}) when the head is JSON holding {@code
 * "__REALTIME_TIMESTAMP"}. Stateless and thread-safe.
 */
final class JournalFormat implements FormatReader<KernelEvent> {

  @Override
  public String name() {
    return "journald";
  }

  @Override
  public int detect(InputHead head) {
    return !head.isBinary()
            && head.recordsStartWith('{')
            && head.contains("\"__REALTIME_TIMESTAMP\"")
        ? Detection.CERTAIN
        : Detection.NO;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    return new JsonAdapterStream(
        new JournalReader(context.clocks(), context.defaultHost()), source, out, rejects);
  }
}
