package io.isostack.correlator.report;

import io.isostack.correlator.finding.Durations;
import io.isostack.correlator.finding.FindingText;
import io.isostack.model.IsolationLayer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Escaping, layer colours and small fragments shared by the HTML report's parts. Stateless. */
final class Html {
  /** The vertical axis top-down: the lanes of the two-axis figure (docs/METHOD.md §2). */
  static final List<IsolationLayer> LANES =
      List.of(
          IsolationLayer.L4,
          IsolationLayer.L3,
          IsolationLayer.L2,
          IsolationLayer.L1,
          IsolationLayer.L0,
          IsolationLayer.HOST);

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);

  private Html() {}

  /**
   * Escapes text for HTML and SVG element content and quoted attribute values: {@code & < > " '}.
   * Null becomes the empty string.
   */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (r != null || (c < 0x20 && c != '\n' && c != '\t')) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(r != null ? r : "\uFFFD");
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** The layer's colour, used for its lane, its chip and its evidence marks. */
  static String color(IsolationLayer layer) {
    return switch (layer) {
      case L4 -> "#7c3aed";
      case L3 -> "#2563eb";
      case L2 -> "#0d9488";
      case L1 -> "#db2777";
      case L0 -> "#dc2626";
      case HOST -> "#92400e";
      case APPLICATION -> "#6b7280";
      case UNKNOWN -> "#a1a1aa";
    };
  }

  /**
   * A CSS-safe token for the layer: {@code L4}…{@code L0}, {@code host}, {@code application},
   * {@code unknown}.
   */
  static String token(IsolationLayer layer) {
    return layer.code().replace("-", "");
  }

  /** A coloured chip naming the layer (and its network slice). */
  static String chip(IsolationLayer layer, boolean network) {
    return "<span class=\"chip"
        + (network ? " net" : "")
        + "\" style=\"--c:"
        + color(layer)
        + "\">"
        + esc(FindingText.layerName(layer, network))
        + "</span>";
  }

  /** {@code 1.61 s}; a hyphen-minus becomes a true minus for negative offsets. */
  static String duration(long nanos) {
    return nanos < 0 ? "\u2212" + Durations.human(-nanos) : Durations.human(nanos);
  }

  /** Wall-clock time of day, microseconds, UTC. */
  static String clock(long epochNanos) {
    return CLOCK.format(Instant.ofEpochSecond(0, epochNanos));
  }

  /** Date and time, milliseconds, UTC. */
  static String dateTime(long epochNanos) {
    return DATE_TIME.format(Instant.ofEpochSecond(0, epochNanos));
  }

  /** A coordinate with one decimal, locale-independent. */
  static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Shortens text to at most {@code max} characters with an ellipsis. */
  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "\u2026";
  }
}
