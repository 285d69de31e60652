package io.isostack.correlator.report;

import static io.isostack.correlator.report.Html.esc;
import static io.isostack.correlator.report.Html.num;

import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws one finding as an inline SVG on one time axis: the horizontal axis (the trace path from the
 * root down to the slow hop, one bar per span) above the vertical axis (one lane per isolation
 * layer, L-4 at the top down to host, each joined kernel event in its layer's lane), with the slow
 * hop's window shaded across both: where the two axes cross.
 *
 * <p>The finding carries only the path, not the slow span's other children, so self time is placed
 * exactly for the ancestors (the part not covered by the next span of the path is their own time or
 * other children's) and given as a number for the slow span. Stateless.
 */
final class HtmlTwoAxisFigure {
  static final int WIDTH = 1200;
  private static final int X0 = 270;
  private static final int X1 = WIDTH - 120;
  private static final int AXIS_H = 24;
  private static final int SECTION_H = 22;
  private static final int ROW_H = 22;
  private static final int LANE_H = 28;
  private static final int APP_H = 26;
  private static final String SLOW = "#f59e0b";
  private static final String SLOW_EDGE = "#b45309";

  private final Finding finding;
  private final List<SpanView> path;
  private final long originNanos;
  private final long t0;
  private final long t1;
  private final boolean zoomed;

  private HtmlTwoAxisFigure(Finding finding) {
    this.finding = finding;
    List<SpanView> p = new ArrayList<>(finding.path());
    if (p.isEmpty() || !p.get(p.size() - 1).spanId().equals(finding.span().spanId())) {
      p.add(finding.span());
    }
    this.path = p;
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (SpanView s : p) {
      lo = Math.min(lo, s.startEpochNanos());
      hi = Math.max(hi, s.endEpochNanos());
    }
    originNanos = p.get(0).startEpochNanos();
    SpanView slow = finding.span();
    // A short slow hop in a long trace would be a sliver: zoom on it, ancestors run off the edges.
    zoomed = slow.durationNanos() * 5 < hi - lo;
    if (zoomed) {
      lo = slow.startEpochNanos();
      hi = slow.endEpochNanos();
    }
    long range = Math.max(1, hi - lo);
    long evLo = lo;
    long evHi = hi;
    for (Evidence e : finding.evidence()) {
      evLo = Math.min(evLo, e.event().startEpochNanos());
      evHi = Math.max(evHi, e.event().endEpochNanos());
    }
    // Events reaching far outside are clipped: at most 15 % of the range each side (50 % zoomed).
    long pad = range * (zoomed ? 50 : 15) / 100;
    lo = Math.max(evLo, lo - pad);
    hi = Math.min(evHi, hi + pad);
    long margin = Math.max(1, (hi - lo) / 50);
    t0 = lo - margin;
    t1 = hi + margin;
  }

  /** Appends the figure's {@code <svg>} element for a finding. */
  static void write(Finding finding, StringBuilder out) {
    new HtmlTwoAxisFigure(finding).svg(out);
  }

  private double x(long epochNanos) {
    long t = Math.max(t0, Math.min(t1, epochNanos));
    return X0 + (double) (t - t0) / (t1 - t0) * (X1 - X0);
  }

  private void svg(StringBuilder o) {
    int rowsTop = AXIS_H + SECTION_H;
    int rowsEnd = rowsTop + path.size() * ROW_H;
    int lanesTop = rowsEnd + SECTION_H + 4;
    int lanesEnd = lanesTop + Html.LANES.size() * LANE_H;
    int height = lanesEnd + APP_H + 8;
    o.append("<svg class=\"two-axis\" role=\"img\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" preserveAspectRatio=\"xMinYMin meet\" data-x0=\"")
        .append(X0)
        .append("\" data-x1=\"")
        .append(X1)
        .append("\" data-t0=\"")
        .append(t0 - originNanos)
        .append("\" data-t1=\"")
        .append(t1 - originNanos)
        .append("\" data-top=\"")
        .append(AXIS_H)
        .append("\" data-bottom=\"")
        .append(lanesEnd)
        .append("\">\n<title>")
        .append(esc(FindingText.verdict(finding)))
        .append("</title>\n");
    axis(o, height - 8);
    o.append("<text class=\"section\" x=\"4\" y=\"")
        .append(AXIS_H + 15)
        .append("\">HORIZONTAL \u00b7 the trace, root \u2192 slow hop</text>\n");
    o.append("<text class=\"section\" x=\"4\" y=\"")
        .append(rowsEnd + 17)
        .append("\">VERTICAL \u00b7 the isolation stack under the slow hop")
        .append(drawnNote())
        .append("</text>\n");
    for (int j = 0; j < Html.LANES.size(); j++) {
      laneBackground(o, Html.LANES.get(j), lanesTop + j * LANE_H);
    }
    SpanView slow = path.get(path.size() - 1);
    double bx0 = x(slow.startEpochNanos());
    double bx1 = Math.max(bx0 + 1, x(slow.endEpochNanos()));
    int bandTop = rowsTop + (path.size() - 1) * ROW_H;
    o.append("<rect class=\"crossing\" x=\"")
        .append(num(bx0))
        .append("\" y=\"")
        .append(bandTop)
        .append("\" width=\"")
        .append(num(bx1 - bx0))
        .append("\" height=\"")
        .append(lanesEnd - bandTop)
        .append(
            "\"><title>the crossing point: the slow hop's window on every layer</title></rect>\n");
    for (int i = 0; i < path.size(); i++) {
      spanRow(o, i, rowsTop + i * ROW_H);
    }
    for (int j = 0; j < Html.LANES.size(); j++) {
      lane(o, Html.LANES.get(j), lanesTop + j * LANE_H);
    }
    applicationRow(o, lanesEnd);
    o.append("<line class=\"cursor\" x1=\"0\" x2=\"0\" y1=\"")
        .append(AXIS_H)
        .append("\" y2=\"")
        .append(lanesEnd)
        .append("\" visibility=\"hidden\"/><text class=\"cursor-label\" x=\"0\" y=\"")
        .append(AXIS_H - 8)
        .append("\" visibility=\"hidden\"></text>\n</svg>\n");
  }

  private void axis(StringBuilder o, int bottom) {
    long range = t1 - t0;
    double raw = range / 8.0;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    long step = (long) (mag * 10);
    for (double m : new double[] {1, 2, 5, 10}) {
      if (mag * m >= raw) {
        step = Math.max(1, (long) (mag * m));
        break;
      }
    }
    long first = Math.floorDiv(t0 - originNanos, step) + 1;
    o.append("<g class=\"axis\">\n");
    for (long k = first; originNanos + k * step < t1; k++) {
      long offset = k * step;
      double xt = x(originNanos + offset);
      o.append("<line x1=\"")
          .append(num(xt))
          .append("\" x2=\"")
          .append(num(xt))
          .append("\" y1=\"")
          .append(AXIS_H - 4)
          .append("\" y2=\"")
          .append(bottom)
          .append("\"/><text x=\"")
          .append(num(xt))
          .append("\" y=\"")
          .append(AXIS_H - 8)
          .append("\">")
          .append(offset == 0 ? "0" : (offset > 0 ? "+" : "") + Html.duration(offset))
          .append("</text>\n");
    }
    o.append("<text class=\"axis-origin\" x=\"4\" y=\"")
        .append(AXIS_H - 8)
        .append("\">")
        .append(zoomed ? "zoomed on the slow hop; " : "")
        .append("t = 0 at the root span's start</text>\n</g>\n");
  }

  private void spanRow(StringBuilder o, int i, int y) {
    SpanView s = path.get(i);
    boolean isSlow = i == path.size() - 1;
    SpanView child = isSlow ? null : path.get(i + 1);
    int indent = Math.min(i, 8) * 10;
    String label = s.service() + " " + s.name();
    o.append("<g class=\"span-row")
        .append(isSlow ? " slow" : "")
        .append("\" data-span-id=\"")
        .append(esc(s.spanId()))
        .append("\">");
    o.append("<text class=\"label\" x=\"")
        .append(6 + indent)
        .append("\" y=\"")
        .append(y + 15)
        .append("\">")
        .append(esc(Html.clip(label, (X0 - 16 - indent) / 7)))
        .append("<title>")
        .append(esc(label))
        .append("</title></text>");
    double xa = x(s.startEpochNanos());
    double xb = Math.max(xa + 1.5, x(s.endEpochNanos()));
    StringBuilder title = new StringBuilder(label).append(" \u00b7 ");
    title.append(Html.duration(s.durationNanos()));
    if (isSlow) {
      title.append(" \u00b7 the slow hop, self time ").append(Html.duration(finding.selfNanos()));
    } else {
      title
          .append(" \u00b7 waits ")
          .append(Html.duration(child.durationNanos()))
          .append(" on ")
          .append(child.service())
          .append(' ')
          .append(child.name());
    }
    o.append("<rect class=\"span-bar")
        .append(isSlow ? " slow" : "")
        .append("\" x=\"")
        .append(num(xa))
        .append("\" y=\"")
        .append(y + 4)
        .append("\" width=\"")
        .append(num(xb - xa))
        .append("\" height=\"")
        .append(ROW_H - 8)
        .append("\"")
        .append(isSlow ? " fill=\"" + SLOW + "\" stroke=\"" + SLOW_EDGE + "\"" : "")
        .append("><title>")
        .append(esc(title.toString()))
        .append("</title></rect>");
    if (child != null) {
      double ca = x(Math.max(s.startEpochNanos(), child.startEpochNanos()));
      double cb = x(Math.min(s.endEpochNanos(), child.endEpochNanos()));
      if (cb > ca) {
        o.append("<rect class=\"waits\" x=\"")
            .append(num(ca))
            .append("\" y=\"")
            .append(y + 4)
            .append("\" width=\"")
            .append(num(cb - ca))
            .append("\" height=\"")
            .append(ROW_H - 8)
            .append("\"/>");
      }
    } else {
      String self =
          finding.selfNanos() >= s.durationNanos()
              ? "self " + Html.duration(finding.selfNanos()) + " (all of it)"
              : "self "
                  + Html.duration(finding.selfNanos())
                  + " of "
                  + Html.duration(s.durationNanos());
      boolean inside = xb - xa > self.length() * 6.6 + 10;
      o.append("<text class=\"self")
          .append(inside ? "" : " outside")
          .append("\" x=\"")
          .append(num(inside ? xa + 6 : Math.min(xb + 6, X1 - 4)))
          .append("\" y=\"")
          .append(y + 15)
          .append("\">")
          .append(esc(self))
          .append("</text>");
    }
    o.append("<text class=\"dur\" x=\"")
        .append(X1 + 8)
        .append("\" y=\"")
        .append(y + 15)
        .append("\">")
        .append(Html.duration(s.durationNanos()))
        .append(isSlow ? " \u25c0 slow hop" : "")
        .append("</text></g>\n");
  }

  private String drawnNote() {
    int joined = 0;
    for (ChainLink c : finding.chain()) {
      joined += c.eventCount();
    }
    return joined > finding.evidence().size()
        ? " (" + finding.evidence().size() + " of " + joined + " joined events drawn)"
        : "";
  }

  private void laneBackground(StringBuilder o, IsolationLayer layer, int y) {
    boolean verdict = finding.layer() == layer;
    o.append("<rect class=\"lane-bg\" x=\"0\" y=\"")
        .append(y)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(LANE_H)
        .append("\" fill=\"")
        .append(verdict ? Html.color(layer) : "#f1f3f6")
        .append("\" fill-opacity=\"")
        .append(verdict ? "0.12" : Html.LANES.indexOf(layer) % 2 == 0 ? "0.35" : "0.8")
        .append("\"/>\n");
  }

  private void lane(StringBuilder o, IsolationLayer layer, int y) {
    boolean verdict = finding.layer() == layer;
    String color = Html.color(layer);
    long explained = -1;
    for (ChainLink c : finding.chain()) {
      if (c.layer() == layer) {
        explained = Math.max(explained, c.explainedNanos());
      }
    }
    o.append("<g class=\"lane")
        .append(verdict ? " verdict" : "")
        .append("\" data-lane=\"")
        .append(layer.code())
        .append("\"><rect x=\"0\" y=\"")
        .append(y + 2)
        .append("\" width=\"5\" height=\"")
        .append(LANE_H - 4)
        .append("\" fill=\"")
        .append(color)
        .append("\"/><text class=\"label\" x=\"12\" y=\"")
        .append(y + 18)
        .append("\">")
        .append(esc(FindingText.layerName(layer, false)))
        .append("</text>");
    if (verdict) {
      o.append("<text class=\"verdict-tag\" x=\"")
          .append(X0 - 8)
          .append("\" y=\"")
          .append(y + 18)
          .append("\" fill=\"")
          .append(color)
          .append("\">verdict \u25b6</text>");
    }
    o.append("<text class=\"dur")
        .append(explained < 0 ? " none" : "")
        .append("\" x=\"")
        .append(X1 + 8)
        .append("\" y=\"")
        .append(y + 18)
        .append("\">")
        .append(explained < 0 ? "no evidence" : "explains " + Html.duration(explained))
        .append("</text>");
    for (Evidence e : finding.evidence()) {
      if (e.layer() == layer) {
        mark(o, e, y, color);
      }
    }
    o.append("</g>\n");
  }

  private void mark(StringBuilder o, Evidence e, int y, String color) {
    KernelEvent k = e.event();
    String fill = e.network() ? "url(#net-" + Html.token(e.layer()) + ")" : color;
    StringBuilder t = new StringBuilder(k.name().wire()).append(" \u00b7 ").append(e.entity());
    if (k.hasDuration()) {
      t.append(" \u00b7 ").append(Html.duration(k.durNanos()));
    }
    t.append(" \u00b7 ")
        .append(Html.clock(k.endEpochNanos()))
        .append(" UTC \u00b7 via ")
        .append(e.join())
        .append(" \u00b7 explains ")
        .append(Html.duration(e.explainedNanos()))
        .append(" \u00b7 ")
        .append(e.causeTitle())
        .append(e.network() ? " (network slice)" : "")
        .append(" \u00b7 rule ")
        .append(e.ruleId());
    String title = "<title>" + esc(t.toString()) + "</title>";
    if (k.hasDuration()) {
      double a = x(k.startEpochNanos());
      double b = Math.max(a + 1.5, x(k.endEpochNanos()));
      o.append("<rect class=\"ev")
          .append(e.network() ? " net" : "")
          .append("\" x=\"")
          .append(num(a))
          .append("\" y=\"")
          .append(y + 5)
          .append("\" width=\"")
          .append(num(b - a))
          .append("\" height=\"")
          .append(LANE_H - 10)
          .append("\" fill=\"")
          .append(fill)
          .append("\" stroke=\"")
          .append(color)
          .append("\">")
          .append(title)
          .append("</rect>");
    } else {
      double a = x(k.endEpochNanos());
      o.append("<g class=\"ev instant")
          .append(e.network() ? " net" : "")
          .append("\"><line x1=\"")
          .append(num(a))
          .append("\" x2=\"")
          .append(num(a))
          .append("\" y1=\"")
          .append(y + 4)
          .append("\" y2=\"")
          .append(y + LANE_H - 4)
          .append("\" stroke=\"")
          .append(color)
          .append("\"/><path d=\"M")
          .append(num(a - 5))
          .append(' ')
          .append(y + 3)
          .append("h10l-5 8z\" fill=\"")
          .append(fill)
          .append("\" stroke=\"")
          .append(color)
          .append("\"/>")
          .append(title)
          .append("</g>");
    }
  }

  private void applicationRow(StringBuilder o, int y) {
    boolean verdict = finding.layer() == IsolationLayer.APPLICATION;
    o.append("<g class=\"lane app")
        .append(verdict ? " verdict" : "")
        .append("\" data-lane=\"application\"><text class=\"label\" x=\"12\" y=\"")
        .append(y + 17)
        .append("\">application</text>");
    String note;
    if (verdict) {
      SpanView slow = finding.span();
      double a = x(slow.startEpochNanos());
      double b = Math.max(a + 1.5, x(slow.endEpochNanos()));
      o.append("<rect class=\"app-time\" x=\"")
          .append(num(a))
          .append("\" y=\"")
          .append(y + 5)
          .append("\" width=\"")
          .append(num(b - a))
          .append("\" height=\"")
          .append(APP_H - 10)
          .append("\"/>");
      note =
          finding.detail()
              + ": "
              + Html.duration(finding.explainedNanos())
              + " is the application's own time";
    } else {
      note =
          "not a layer: the verdict when the kernel explains too little (here "
              + Html.duration(finding.explainedNanos())
              + " of "
              + Html.duration(finding.selfNanos())
              + " self time is explained)";
    }
    o.append("<text class=\"note\" x=\"")
        .append(X0 + 6)
        .append("\" y=\"")
        .append(y + 17)
        .append("\">")
        .append(esc(note))
        .append("</text></g>\n");
  }
}
