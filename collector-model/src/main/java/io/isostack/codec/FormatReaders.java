package io.isostack.codec;

import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The registry of every input format: adding a format is one {@link FormatReader} class and one
 * line in {@link #EVENTS} or {@link #TRACES}. {@code analyze} ({@code FORMAT:PATH}, detection) and
 * {@code serve} ({@code --events}, {@code --producer}, {@code POST /v1/kernel-events?format=NAME})
 * look formats up here.
 *
 * <p>Stateless and thread-safe.
 */
public final class FormatReaders {

  /** The formats that carry kernel events. Order breaks detection ties (earlier wins). */
  private static final List<FormatReader<KernelEvent>> EVENTS =
      Stream.concat(
              Stream.of(
                  new CanonicalEventFormat(),
                  new TetragonFormat(),
                  new InspektorGadgetFormat(),
                  new OtlpLogsJsonFormat(),
                  new OtlpLogsProtoFormat(),
                  new DmesgFormat(),
                  new DmesgJsonFormat(),
                  new JournalFormat(),
                  new RunscStraceFormat()),
              Stream.of(LibbpfToolsReader.Tool.values()).map(LibbpfToolFormat::new))
          .<FormatReader<KernelEvent>>map(f -> f)
          .toList();

  /** The formats that carry spans. */
  private static final List<FormatReader<SpanView>> TRACES =
      List.of(
          new OtlpJsonTraceFormat(),
          new OtlpProtoTraceFormat(),
          new JaegerJsonTraceFormat(),
          new ZipkinJsonTraceFormat());

  private static final String EMPTY = "the input is empty";

  private FormatReaders() {}

  /** The event formats, in registry order. */
  public static List<FormatReader<KernelEvent>> events() {
    return EVENTS;
  }

  /** The trace formats, in registry order. */
  public static List<FormatReader<SpanView>> traces() {
    return TRACES;
  }

  /** Every format: the trace formats, then the event formats. */
  public static List<FormatReader<?>> all() {
    List<FormatReader<?>> all = new ArrayList<>(TRACES);
    all.addAll(EVENTS);
    return List.copyOf(all);
  }

  /**
   * The event format of a name.
   *
   * @param name a {@link FormatReader#name()}, case-sensitive
   * @return the format, or null when no event format has that name
   */
  public static FormatReader<KernelEvent> event(String name) {
    return find(EVENTS, name);
  }

  /**
   * The trace format of a name.
   *
   * @param name a {@link FormatReader#name()}, case-sensitive
   * @return the format, or null when no trace format has that name
   */
  public static FormatReader<SpanView> trace(String name) {
    return find(TRACES, name);
  }

  /**
   * The format of a name, events or traces.
   *
   * @param name a {@link FormatReader#name()}, case-sensitive
   * @return the format, or null when none has that name
   */
  public static FormatReader<?> byName(String name) {
    FormatReader<?> f = event(name);
    return f != null ? f : trace(name);
  }

  /** Every format name, comma-separated, in {@link #all()} order: for error messages. */
  public static String names() {
    return String.join(", ", all().stream().map(FormatReader::name).toList());
  }

  /**
   * Recognises the format of an input from its head: the format with the highest {@link
   * FormatReader#detect} confidence above {@link Detection#POSSIBLE} wins, ties going to the first
   * in {@link #all()} order.
   *
   * @param head the input's head
   * @return the verdict: the format, or why none was chosen and which formats it could be
   */
  public static Detected detect(InputHead head) {
    if (head.isEmpty()) {
      return new Detected(null, List.of(), EMPTY);
    }
    FormatReader<?> best = null;
    int bestScore = Detection.POSSIBLE;
    List<FormatReader<?>> possible = new ArrayList<>();
    for (FormatReader<?> f : all()) {
      int score = f.detect(head);
      if (score >= Detection.POSSIBLE) {
        possible.add(f);
      }
      if (score > bestScore) {
        best = f;
        bestScore = score;
      }
    }
    if (best != null) {
      return new Detected(best, List.of(best), "");
    }
    return new Detected(
        null,
        List.copyOf(possible),
        head.isNoiseOnly()
            ? "the input holds only producer messages (" + excerpt(head.lines().get(0)) + ")"
            : "cannot tell the format from the content (" + excerpt(head.firstRecord()) + ")");
  }

  private static <T> FormatReader<T> find(List<FormatReader<T>> list, String name) {
    for (FormatReader<T> f : list) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static String excerpt(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  /**
   * The verdict of {@link #detect}.
   *
   * @param format the chosen format, or null when none was
   * @param candidates the chosen format alone, or the formats whose syntax fits (possibly none)
   * @param problem why no format was chosen; empty when one was
   */
  public record Detected(FormatReader<?> format, List<FormatReader<?>> candidates, String problem) {

    /**
     * The message for an input that was not recognised: the problem, the formats it could be and
     * the prefix that forces one; for an empty input, only that it is empty.
     *
     * @param path the input's path as the user wrote it
     * @return one sentence, e.g. {@code cannot tell the format from the content (...); it could be
     *     tetragon, ig or events: name it as FORMAT:PATH, e.g. tetragon:/tmp/x.json}
     */
    public String describe(String path) {
      if (EMPTY.equals(problem)) {
        return problem;
      }
      List<FormatReader<?>> could = candidates.isEmpty() ? all() : candidates;
      List<String> names = could.stream().map(FormatReader::name).toList();
      return problem
          + "; it could be "
          + String.join(", ", names)
          + ": name the format as FORMAT:PATH, e.g. "
          + names.get(0)
          + ":"
          + path;
    }
  }
}
