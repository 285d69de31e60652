package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.util.function.Consumer;

/**
 * Tetragon's JSON export ({@code tetragon}; docs/formats/03-tetragon.md), read by {@link
 * TetragonReader}.
 *
 * <p>Detected ({@link Detection#CERTAIN} - 20) when the head holds a Tetragon event key ({@code
 * process_exec}, {@code process_exit}, {@code process_kprobe}, {@code process_tracepoint}, {@code
 * process_uprobe}, {@code process_lsm}, {@code process_connect}, {@code process_close}, {@code
 * process_listen}) or {@code node_name}. Stateless and thread-safe.
 */
final class TetragonFormat implements FormatReader<KernelEvent> {
  private static final String[] KEYS = {
    "\"process_exec\"",
    "\"process_exit\"",
    "\"process_kprobe\"",
    "\"process_tracepoint\"",
    "\"process_uprobe\"",
    "\"process_lsm\"",
    "\"process_connect\"",
    "\"process_close\"",
    "\"process_listen\"",
    "\"node_name\""
  };

  @Override
  public String name() {
    return "tetragon";
  }

  @Override
  public int detect(InputHead head) {
    if (head.isBinary() || !head.recordsStartWith('{')) {
      return Detection.NO;
    }
    for (String key : KEYS) {
      if (head.contains(key)) {
        return Detection.CERTAIN - 20;
      }
    }
    return Detection.POSSIBLE;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    return new JsonAdapterStream(new TetragonReader(context.defaultHost()), source, out, rejects);
  }
}
