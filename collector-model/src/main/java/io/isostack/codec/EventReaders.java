package io.isostack.codec;

import io.isostack.clock.ClockConverter;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One entry point for every input format that carries kernel events ({@link
 * InputFormat#carriesEvents()}): the canonical stream ({@link KernelEventReader}) and the producer
 * adapters ({@link TetragonReader}, {@link InspektorGadgetReader}, {@link LibbpfToolsReader}).
 *
 * <p>Stateless; each call creates its reader, so calls may run on several threads at once (the
 * {@link ClockConverter} must then be shared safely by the caller, as for {@link
 * KernelEventReader}).
 */
public final class EventReaders {
  private EventReaders() {}

  /**
   * Reads one stream with libbpf-tools times placed on today's date in UTC ({@link
   * LibbpfToolsReader.Options#defaults} with the system UTC clock) and no start anchor. Does not
   * close {@code in}.
   *
   * @param format an event format ({@link InputFormat#carriesEvents()})
   * @param in the bytes
   * @param source the stream's name, used in rejections
   * @param clocks clock offsets for the canonical stream's boottime/monotonic times (the adapters'
   *     producers print wall-clock times and do not use it)
   * @param defaultHost the {@code host.name} of events whose producer names no host
   * @param out receives each event, in input order
   * @param rejects receives each rejected record
   * @return the counts for this stream
   * @throws IllegalArgumentException if {@code format} carries spans
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  public static ReadSummary read(
      InputFormat format,
      InputStream in,
      String source,
      ClockConverter clocks,
      String defaultHost,
      Consumer<KernelEvent> out,
      RejectListener rejects)
      throws IOException {
    return read(
        format,
        in,
        source,
        clocks,
        defaultHost,
        LibbpfToolsReader.Options.defaults(Clock.systemUTC()),
        out,
        rejects);
  }

  /**
   * Reads one stream, placing libbpf-tools times with {@code libbpf}. Does not close {@code in}.
   *
   * @param libbpf the date, zone, start and interval of libbpf-tools inputs (ignored otherwise)
   * @see #read(InputFormat, InputStream, String, ClockConverter, String, Consumer, RejectListener)
   * @throws IllegalArgumentException if {@code format} carries spans
   * @throws IOException if reading {@code in} fails
   */
  public static ReadSummary read(
      InputFormat format,
      InputStream in,
      String source,
      ClockConverter clocks,
      String defaultHost,
      LibbpfToolsReader.Options libbpf,
      Consumer<KernelEvent> out,
      RejectListener rejects)
      throws IOException {
    Objects.requireNonNull(format, "format");
    if (!format.carriesEvents()) {
      throw new IllegalArgumentException("format " + format.cliName() + " carries spans");
    }
    return switch (format) {
      case KERNEL_EVENTS ->
          new KernelEventReader(clocks, defaultHost).read(in, source, out, rejects);
      case TETRAGON -> new TetragonReader(defaultHost).read(in, source, out, rejects);
      case INSPEKTOR_GADGET ->
          new InspektorGadgetReader(defaultHost).read(in, source, out, rejects);
      default ->
          new LibbpfToolsReader(format.libbpfTool(), libbpf, defaultHost)
              .read(in, source, out, rejects);
    };
  }
}
