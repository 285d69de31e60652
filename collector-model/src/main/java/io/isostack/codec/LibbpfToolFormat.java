package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.util.function.Consumer;

/**
 * The text output of one libbpf-tools/BCC tool ({@code libbpf:<tool>};
 * docs/formats/02-libbpf-tools.md), read by {@link LibbpfToolsReader}. One format per {@link
 * LibbpfToolsReader.Tool}.
 *
 * <p>Detected ({@link Detection#CERTAIN}) when the first head line that is no {@code #} comment and
 * names a tool ({@link LibbpfToolsReader#detectTool}: a column header or a {@code Tracing ...}
 * banner) names this one; {@link Detection#POSSIBLE} for other text. Stateless and thread-safe.
 */
final class LibbpfToolFormat implements FormatReader<KernelEvent> {
  private final LibbpfToolsReader.Tool tool;

  LibbpfToolFormat(LibbpfToolsReader.Tool tool) {
    this.tool = tool;
  }

  @Override
  public String name() {
    return "libbpf:" + tool.toolName();
  }

  @Override
  public int detect(InputHead head) {
    if (head.isBinary() || head.recordsStartWith('{') || head.recordsStartWith('[')) {
      return Detection.NO;
    }
    for (String line : head.lines()) {
      if (line.startsWith("#")) {
        continue;
      }
      LibbpfToolsReader.Tool named = LibbpfToolsReader.detectTool(line);
      if (named != null) {
        return named == tool ? Detection.CERTAIN : Detection.NO;
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
    LibbpfToolsReader reader = new LibbpfToolsReader(tool, context.libbpf(), context.defaultHost());
    LibbpfToolsReader.StreamState state = reader.newStream(source);
    Consumer<KernelEvent> sink = out::accept;
    return new LineRecordStream(LibbpfToolsReader.MAX_LINE_BYTES) {
      @Override
      void decode(byte[] buf, int off, int len, long lineNo) {
        reader.decodeLine(buf, off, len, state, lineNo, sink, rejects);
      }

      @Override
      void tooLong(long lineNo, int maxLineBytes) {
        state.counts.tooLong(lineNo, maxLineBytes, rejects);
      }

      @Override
      public ReadSummary summary() {
        return state.summary();
      }
    };
  }
}
