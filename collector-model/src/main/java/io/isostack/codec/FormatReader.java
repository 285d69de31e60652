package io.isostack.codec;

import java.util.function.Consumer;

/**
 * One input format: how to recognise it from its first bytes and how to read it. Every format the
 * collector reads, in {@code analyze} and in {@code serve}, is one implementation, registered in
 * {@link FormatReaders}.
 *
 * <p>Implementations are stateless and thread-safe; the per-input state lives in the {@link
 * RecordStream} that {@link #open} returns.
 *
 * @param <T> what the format carries: {@link io.isostack.model.KernelEvent} or {@link
 *     io.isostack.model.SpanView}
 */
public interface FormatReader<T> {

  /**
   * The format's name, as written on the command line ({@code FORMAT:PATH}) and in {@code POST
   * /v1/kernel-events?format=NAME}: lowercase, e.g. {@code events}, {@code tetragon}, {@code
   * libbpf:runqslower}.
   */
  String name();

  /**
   * How sure this format is that an input is its own, from the input's head.
   *
   * @param head the first bytes of the input, with its lines classified
   * @return {@link Detection#NO} when it cannot be this format, {@link Detection#POSSIBLE} when the
   *     syntax fits but nothing identifies the format, or a confidence from {@link
   *     Detection#LIKELY} to {@link Detection#CERTAIN}; the highest wins (see {@link
   *     FormatReaders#detect})
   */
  int detect(InputHead head);

  /**
   * Opens the state of one input stream.
   *
   * @param source the stream's name (a file path, {@code stdin}, {@code producer '...'}, an HTTP
   *     receiver), used in rejections and as the events' {@code source} where the format has none
   * @param context the settings shared by every input: clock offsets, default host, time anchors
   * @param out receives each record, in input order, on the thread that feeds the stream
   * @param rejects receives each rejected record
   * @return a new stream; not thread-safe
   * @throws NullPointerException if an argument is null
   */
  RecordStream open(
      String source, ReadContext context, Consumer<? super T> out, RejectListener rejects);
}
