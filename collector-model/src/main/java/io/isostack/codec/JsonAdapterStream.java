package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The {@link RecordStream} of a {@link JsonEventAdapter}: JSON Lines fed line by line, or whole
 * inputs in either of {@link JsonEventFraming}'s framings. Not thread-safe.
 */
final class JsonAdapterStream extends LineRecordStream {
  private final JsonEventAdapter adapter;
  private final AdapterStream state;
  private final Consumer<KernelEvent> out;
  private final RejectListener rejects;

  JsonAdapterStream(
      JsonEventAdapter adapter,
      String source,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    super(JsonEventAdapter.MAX_LINE_BYTES);
    this.adapter = adapter;
    this.state = new AdapterStream(source);
    this.out = out::accept;
    this.rejects = rejects;
  }

  @Override
  void decode(byte[] buf, int off, int len, long lineNo) {
    adapter.decodeLine(buf, off, len, state, lineNo, out, rejects);
  }

  @Override
  void tooLong(long lineNo, int maxLineBytes) {
    state.tooLong(lineNo, maxLineBytes, rejects);
  }

  @Override
  public void read(InputStream in) throws IOException {
    adapter.read(in, state, out, rejects);
  }

  @Override
  public ReadSummary summary() {
    return state.summary();
  }
}
