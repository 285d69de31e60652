package io.isostack.correlator.finding;

import io.isostack.model.IsolationLayer;
import io.isostack.model.Observation;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The wording of findings shared by every face of the correlator (text and HTML reports, the live
 * console, OTLP export): the one-line verdict and the names of layers. Stateless and thread-safe.
 */
public final class FindingText {
  private FindingText() {}

  /**
   * The one-line verdict of a finding, e.g. {@code frontend GET /checkout → backend GET /pay 2 s:
   * L-3 container, CPU throttling (cgroup /demo-backend throttled 1.99 s of the span), confidence
   * 0.99}.
   */
  public static String verdict(Finding f) {
    StringBuilder b = new StringBuilder();
    b.append(hopPath(f)).append(' ').append(Durations.human(f.span().durationNanos())).append(": ");
    b.append(layerName(f.layer(), f.network())).append(", ").append(f.causeTitle());
    b.append(" (").append(f.detail()).append(")");
    b.append(", confidence ").append(String.format(Locale.ROOT, "%.2f", f.confidence()));
    return b.toString();
  }

  /**
   * How much of its slow request a hop explains, as a clause for the line under the verdict: {@code
   * , 70 % of the 288 ms request}, {@code , off the critical path of the 288 ms request}, or empty
   * when the hop's request is not slow. The share is the hop's self time on the request's critical
   * path over the root span's duration.
   */
  public static String requestClause(Finding f) {
    if (!f.inSlowRequest()) {
      return "";
    }
    String request = Durations.human(f.requestNanos()) + " request";
    if (f.requestShare() <= 0) {
      return ", off the critical path of the " + request;
    }
    return String.format(Locale.ROOT, ", %.0f %% of the %s", f.requestShare() * 100, request);
  }

  /**
   * Who else held the CPU while a {@code cpu-saturation} hop waited, as one clause: {@code top
   * other consumers: stress-ng (pid 4711) 820 ms in 41 waits, sh (pid 80) 12 ms in 3 waits}; {@code
   * other consumers not observed: ...} when its scheduler events do not name them; {@code no other
   * process held the CPU...} when they name only the idle task or the hop's own process; empty for
   * every other cause.
   */
  public static String otherConsumers(Finding f) {
    OtherConsumers o = f.otherConsumers();
    if (o == null) {
      return "";
    }
    if (!o.observed()) {
      return "other consumers not observed: the scheduler events do not name the task that held"
          + " the CPU (record with samples/ebpf/sched.bt, which prints it as attrs.by_comm)";
    }
    if (o.top().isEmpty()) {
      return "no other process held the CPU in these waits (the CPU went idle or to the process's"
          + " own threads)";
    }
    List<String> parts = new ArrayList<>();
    for (CpuConsumer c : o.top()) {
      parts.add(
          c.label()
              + " "
              + Durations.human(c.waitedNanos())
              + " in "
              + c.waits()
              + (c.waits() == 1 ? " wait" : " waits"));
    }
    return "top other consumers: " + String.join(", ", parts);
  }

  /**
   * A layer as reports name it: {@code L-3 container}, {@code L-2 paravirtualization network
   * slice}, {@code host}, {@code application}, {@code unknown} (the layer names of docs/METHOD.md
   * §2).
   */
  public static String layerName(IsolationLayer layer, boolean network) {
    if (layer == IsolationLayer.APPLICATION || layer == IsolationLayer.UNKNOWN) {
      return layer.code();
    }
    String name = layer == IsolationLayer.HOST ? "host" : layer.code() + " " + layer.title();
    return network ? name + " network slice" : name;
  }

  /**
   * What was observed for a finding, e.g. {@code observed: scheduler, cgroup-cpu; partly: logs; not
   * observed: syscalls, network}; an empty group is left out.
   */
  public static String coverage(Finding f) {
    List<String> groups = new ArrayList<>();
    for (Observation o : Observation.values()) {
      List<String> names = new ArrayList<>();
      f.coverage()
          .forEach(
              (family, seen) -> {
                if (seen == o) {
                  names.add(family.wire());
                }
              });
      if (!names.isEmpty()) {
        String label =
            switch (o) {
              case OBSERVED -> "observed";
              case PARTIAL -> "partly";
              case NOT_OBSERVED -> "not observed";
            };
        groups.add(label + ": " + String.join(", ", names));
      }
    }
    return String.join("; ", groups);
  }

  /**
   * {@code root-service root-name → hop-service hop-name}, or the hop alone when it is the root.
   */
  private static String hopPath(Finding f) {
    List<SpanView> path = f.path();
    SpanView root = path.get(0);
    SpanView hop = f.span();
    String last = PrintableText.escape(hop.service() + " " + hop.name());
    if (path.size() == 1) {
      return last;
    }
    return PrintableText.escape(root.service() + " " + root.name()) + " → " + last;
  }
}
