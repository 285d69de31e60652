package io.isostack.correlator.receiver;

import io.isostack.codec.FormatReader;
import io.isostack.codec.FormatReaders;
import io.isostack.codec.InputHead;
import io.isostack.codec.ReadContext;
import io.isostack.codec.RecordStream;
import io.isostack.codec.RejectListener;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How one live kernel-event input is read: its format ({@code --events FORMAT:PATH}, {@code
 * --producer FORMAT:COMMAND}, {@code POST /v1/kernel-events?format=NAME}) and the settings every
 * reader shares. Live inputs are framed into lines by their receiver, so the format must be
 * line-oriented (JSON Lines, text); the canonical stream ({@code events}) is the default.
 *
 * @param format the event format
 * @param context clock offsets, default host, time anchors
 */
public record EventInput(FormatReader<KernelEvent> format, ReadContext context) {
  /** The format of inputs that name none. */
  public static final String DEFAULT_FORMAT = "events";

  /** Validates: both are required. */
  public EventInput {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(context, "context");
  }

  /** The canonical stream read with {@code context}. */
  public static EventInput canonical(ReadContext context) {
    return new EventInput(FormatReaders.event(DEFAULT_FORMAT), context);
  }

  /**
   * The input of a format name ({@code ?format=NAME}), or of the default format for null.
   *
   * @throws IllegalArgumentException naming the format and the known ones when it is no event
   *     format
   */
  public static EventInput named(String name, ReadContext context) {
    if (name == null || name.isEmpty()) {
      return canonical(context);
    }
    FormatReader<KernelEvent> f = FormatReaders.event(name);
    if (f == null) {
      throw new IllegalArgumentException(
          "unknown event format '" + name + "'; known: " + eventNames());
    }
    return new EventInput(f, context);
  }

  /**
   * Splits an option value {@code FORMAT:TARGET} (a path or a command) at the longest event format
   * name followed by {@code :}; a value without one is the default format's.
   *
   * @param value the option's value
   * @param context the shared reader settings
   * @return the input and what follows the prefix
   * @throws IllegalArgumentException if the target is empty, or the prefix names a trace format
   */
  public static Target parse(String value, ReadContext context) {
    FormatReader<KernelEvent> format = null;
    for (FormatReader<KernelEvent> f : FormatReaders.events()) {
      if (value.startsWith(f.name() + ":")
          && (format == null || f.name().length() > format.name().length())) {
        format = f;
      }
    }
    if (format == null) {
      for (FormatReader<?> f : FormatReaders.traces()) {
        if (value.startsWith(f.name() + ":")) {
          throw new IllegalArgumentException(
              "'" + value + "': " + f.name() + " carries spans; serve receives traces over OTLP");
        }
      }
      return new Target(canonical(context), value);
    }
    String target = value.substring(format.name().length() + 1);
    if (target.isEmpty()) {
      throw new IllegalArgumentException("'" + value + "': nothing after the format name");
    }
    return new Target(new EventInput(format, context), target);
  }

  /**
   * Splits a {@code --events} value as {@link #parse} does; a path without a format that names a
   * non-empty regular file gets the format detected from its head ({@link FormatReaders#detect}),
   * as {@code analyze} would, when that is an event format. FIFOs, standard input and files that do
   * not exist yet are the default format's.
   *
   * @throws IllegalArgumentException as {@link #parse}
   */
  public static Target parseFile(String value, ReadContext context) {
    Target t = parse(value, context);
    Path path = t.target().equals("-") ? null : Path.of(t.target());
    if (!t.target().equals(value) || path == null || !Files.isRegularFile(path)) {
      return t; // named, or nothing to look at yet
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(InputHead.MAX_BYTES);
    } catch (IOException e) {
      return t; // the follower reports what it cannot read
    }
    FormatReaders.Detected d = FormatReaders.detect(InputHead.of(head, head.length));
    FormatReader<KernelEvent> f =
        d.format() == null ? null : FormatReaders.event(d.format().name());
    return f == null ? t : new Target(new EventInput(f, context), t.target());
  }

  /** Opens the state of one stream of this input. */
  RecordStream open(String source, Consumer<KernelEvent> out, RejectListener rejects) {
    return format.open(source, context, out, rejects);
  }

  private static String eventNames() {
    return String.join(", ", FormatReaders.events().stream().map(FormatReader::name).toList());
  }

  /**
   * An option value split by {@link #parse}.
   *
   * @param input how the target is read
   * @param target the path or command
   */
  public record Target(EventInput input, String target) {}
}
