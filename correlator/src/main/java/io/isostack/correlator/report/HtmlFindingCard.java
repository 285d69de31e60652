package io.isostack.correlator.report;

import static io.isostack.correlator.report.Html.esc;

import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.util.Locale;

/**
 * Writes the cards under a finding's figure: the verdict, the evidence chain in docs/METHOD.md §4
 * drill-down order, and the evidence table. Stateless.
 */
final class HtmlFindingCard {
  private HtmlFindingCard() {}

  /** Appends the verdict and chain cards and the evidence table of a finding. */
  static void write(Finding f, boolean evidenceOpen, StringBuilder o) {
    o.append("<div class=\"cards\">\n");
    verdict(f, o);
    chain(f, o);
    o.append("</div>\n");
    evidence(f, evidenceOpen, o);
  }

  private static void verdict(Finding f, StringBuilder o) {
    SpanView s = f.span();
    o.append("<div class=\"card verdict\" style=\"--c:")
        .append(Html.color(f.layer()))
        .append("\">\n<h3>Verdict</h3>\n<p class=\"verdict-line\">")
        .append(Html.chip(f.layer(), f.network()))
        .append(" <b>")
        .append(esc(f.causeTitle()))
        .append("</b></p>\n<p class=\"detail\">")
        .append(esc(f.detail()))
        .append("</p>\n<dl class=\"facts\">\n");
    fact(o, "layer", esc(FindingText.layerName(f.layer(), false)));
    fact(o, "network slice", f.network() ? "yes" : "no");
    fact(
        o,
        "confidence",
        meter(f.confidence()) + String.format(Locale.ROOT, " %.2f", f.confidence()));
    fact(
        o,
        "explained",
        meter(f.selfNanos() <= 0 ? 0 : (double) f.explainedNanos() / f.selfNanos())
            + " "
            + esc(Html.duration(f.explainedNanos()))
            + " of "
            + esc(Html.duration(f.selfNanos()))
            + " self time");
    fact(
        o,
        "slow because",
        esc(
            "self time "
                + Html.duration(f.selfNanos())
                + " of "
                + Html.duration(s.durationNanos())
                + slowBecause(f)));
    if (f.inSlowRequest()) {
      fact(
          o,
          "share of the request",
          meter(f.requestShare())
              + " "
              + esc(FindingText.requestClause(f).substring(2))
              + (f.requestShare() > 0 ? " (its self time on the critical path)" : ""));
    }
    String consumers = FindingText.otherConsumers(f);
    if (!consumers.isEmpty()) {
      fact(o, "other CPU consumers", esc(consumers));
    }
    fact(o, "span", "<code>" + esc(s.traceId()) + "</code> / <code>" + esc(s.spanId()) + "</code>");
    fact(o, "started", esc(Html.dateTime(s.startEpochNanos())));
    o.append("</dl>\n<p class=\"explanation\">")
        .append(esc(f.explanation()))
        .append("</p>\n<h4>What to do</h4>\n<p class=\"remediation\">")
        .append(esc(f.remediation()))
        .append("</p>\n<p class=\"method\">docs/METHOD.md ")
        .append(esc(f.method()))
        .append("</p>\n");
    if (!f.notes().isEmpty()) {
      o.append("<ul class=\"notes\">");
      for (String n : f.notes()) {
        o.append("<li>").append(esc(n)).append("</li>");
      }
      o.append("</ul>\n");
    }
    o.append("</div>\n");
  }

  private static void chain(Finding f, StringBuilder o) {
    o.append("<div class=\"card chain\">\n<h3>Evidence chain <small>horizontal first, then")
        .append(" L-3 \u2192 L-4 \u2192 L-2 \u2192 L-1 \u2192 L-0 \u2192 host</small></h3>\n");
    if (f.chain().isEmpty()) {
      o.append("<p class=\"empty\">No kernel event was joined to this hop.</p>\n</div>\n");
      return;
    }
    o.append("<ol>\n");
    for (ChainLink c : f.chain()) {
      double share = f.selfNanos() <= 0 ? 0 : (double) c.explainedNanos() / f.selfNanos();
      o.append("<li style=\"--c:")
          .append(Html.color(c.layer()))
          .append("\"><div class=\"link-head\">")
          .append(Html.chip(c.layer(), c.network()))
          .append(" <b>")
          .append(esc(c.causeTitle()))
          .append("</b> <span class=\"explains\">explains ")
          .append(esc(Html.duration(c.explainedNanos())))
          .append(", ")
          .append(c.eventCount())
          .append(c.eventCount() == 1 ? " event" : " events")
          .append("</span></div>")
          .append(meter(share))
          .append("<div class=\"signals\">");
      for (String sig : c.signals()) {
        o.append("<code>").append(esc(sig)).append("</code> ");
      }
      o.append("</div><div class=\"detail\">")
          .append(esc(c.detail()))
          .append("</div><div class=\"method\">docs/METHOD.md ")
          .append(esc(c.method()))
          .append(" \u00b7 rule <code>")
          .append(esc(c.ruleId()))
          .append("</code></div></li>\n");
    }
    o.append("</ol>\n</div>\n");
  }

  private static void evidence(Finding f, boolean open, StringBuilder o) {
    if (f.evidence().isEmpty()) {
      return;
    }
    o.append("<details class=\"evidence\"")
        .append(open ? " open" : "")
        .append("><summary>Evidence: ")
        .append(f.evidence().size())
        .append(f.evidence().size() == 1 ? " kernel event" : " kernel events")
        .append(" joined to the slow hop</summary>\n<div class=\"scroll\"><table>\n")
        .append("<thead><tr><th>time (UTC)</th><th>event</th><th>layer</th><th>entity</th>")
        .append("<th>duration</th><th>value</th><th>join</th><th>explains</th>")
        .append("<th>source</th></tr></thead>\n<tbody>\n");
    for (Evidence e : f.evidence()) {
      KernelEvent k = e.event();
      o.append("<tr><td class=\"num\">")
          .append(Html.clock(k.endEpochNanos()))
          .append("</td><td><code>")
          .append(esc(k.name().wire()))
          .append("</code></td><td>")
          .append(Html.chip(e.layer(), e.network()))
          .append("</td><td>")
          .append(esc(e.entity()))
          .append("</td><td class=\"num\">")
          .append(k.hasDuration() ? esc(Html.duration(k.durNanos())) : "instant")
          .append("</td><td class=\"num\">")
          .append(esc(value(k)))
          .append("</td><td>")
          .append(esc(e.join()))
          .append("</td><td class=\"num\">")
          .append(esc(Html.duration(e.explainedNanos())))
          .append("</td><td>")
          .append(esc(k.source()))
          .append("</td></tr>\n");
    }
    o.append("</tbody></table></div>\n</details>\n");
  }

  private static String value(KernelEvent k) {
    if (Double.isNaN(k.value())) {
      return "";
    }
    String v =
        k.value() == Math.rint(k.value()) && Math.abs(k.value()) < 1e15
            ? Long.toString((long) k.value())
            : String.format(Locale.ROOT, "%.3g", k.value());
    return k.unit() != null && !k.unit().equals("1") ? v + " " + k.unit() : v;
  }

  private static String slowBecause(Finding f) {
    if ("request".equals(f.slowReason())) {
      return ", a large share of a slow request's critical path";
    }
    if ("baseline".equals(f.slowReason())) {
      return ", over its baseline " + Html.duration(f.baselineNanos());
    }
    return ", over the "
        + f.slowReason()
        + (f.baselineNanos() >= 0 ? " (baseline " + Html.duration(f.baselineNanos()) + ")" : "");
  }

  private static void fact(StringBuilder o, String name, String html) {
    o.append("<dt>").append(name).append("</dt><dd>").append(html).append("</dd>\n");
  }

  private static String meter(double share) {
    double pct = Math.max(0, Math.min(1, share)) * 100;
    return "<span class=\"meter\"><span style=\"width:"
        + String.format(Locale.ROOT, "%.1f", pct)
        + "%\"></span></span>";
  }
}
