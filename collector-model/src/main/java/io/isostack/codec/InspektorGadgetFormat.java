package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.util.function.Consumer;

/**
 * Inspektor Gadget JSON, image-based or legacy built-in gadgets ({@code ig};
 * docs/formats/04-inspektor-gadget.md), read by {@link InspektorGadgetReader}.
 *
 * <p>Detected ({@link Detection#CERTAIN} - 30) when the head, an object or an array, holds {@code
 * "timestamp_raw"}, {@code "mountnsid"} or a {@code "proc"} object. Stateless and thread-safe.
 */
final class InspektorGadgetFormat implements FormatReader<KernelEvent> {

  @Override
  public String name() {
    return "ig";
  }

  @Override
  public int detect(InputHead head) {
    if (head.isBinary() || !(head.recordsStartWith('{') || head.recordsStartWith('['))) {
      return Detection.NO;
    }
    if (head.contains("\"timestamp_raw\"")
        || head.contains("\"mountnsid\"")
        || head.contains("\"proc\":{")
        || head.contains("\"proc\": {")) {
      return Detection.CERTAIN - 30;
    }
    return Detection.POSSIBLE;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    return new JsonAdapterStream(
        new InspektorGadgetReader(context.defaultHost(), context.clocks()), source, out, rejects);
  }
}
