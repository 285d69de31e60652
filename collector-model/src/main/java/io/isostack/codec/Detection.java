package io.isostack.codec;

/**
 * The confidence scale of {@link FormatReader#detect}: 0 means no, higher means surer. Fixed points
 * let formats that look alike rank themselves: a key only one producer writes ({@code
 * resourceSpans}, {@code process_kprobe}) is {@link #CERTAIN}; a generic field that several formats
 * carry ({@code "type"}) is {@link #LIKELY}.
 *
 * <p>Constants only; not instantiable.
 */
public final class Detection {
  /** The input cannot be this format. */
  public static final int NO = 0;

  /**
   * The syntax fits (JSON objects, text columns) but nothing identifies this format; listed in the
   * error for an unrecognised input, never chosen.
   */
  public static final int POSSIBLE = 1;

  /** A field or shape that this format and a few others share. */
  public static final int LIKELY = 50;

  /** A key, header or banner that identifies this format. */
  public static final int CERTAIN = 100;

  private Detection() {}
}
