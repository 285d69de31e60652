package io.isostack.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic synthetic inputs on one timeline: a canonical kernel-event stream (docs/EVENTS.md,
 * version 1) and Collector file-exporter NDJSON traces (one {@code ExportTraceServiceRequest} per
 * line), so that a known fraction of the events falls inside slow hops.
 *
 * <p>The world: one node ({@value #HOST}), {@value #CONTAINERS} containers of {@value
 * #PROCS_PER_CONTAINER} host processes each (pids from {@value #FIRST_PID}), announced by {@code
 * cgroup.attach} records at the head of the stream. Each trace is {@code frontend} (container 0)
 * SERVER → {@code frontend} CLIENT {@code POST /pay} → {@code payment} (container 1) SERVER; a
 * fraction of the payment spans is slow (300–700 ms of self time, 5–40 ms otherwise). Background
 * events are a realistic mix spread evenly over the timeline: 55 % {@code sched.runq_latency}
 * (pid/tid/comm/cgroup.id/dur_ns, boottime), 20 % {@code block.io_latency} (dev/value/attrs), 15 %
 * {@code tcp.retransmit} (5-tuple, attrs.state), 10 % {@code cpu.throttled} (cgroup.path, attrs,
 * realtime). Each slow hop also gets {@value #EVIDENCE_PER_HOP} evidence events inside its span:
 * run-queue latency and CFS throttling of the payment container, retransmits on the hop's flow.
 *
 * <p>Immutable after construction; the writers may be called any number of times and write the same
 * bytes each time.
 */
final class Workload {
  static final String HOST = "node-1";

  /** 2026-03-02T10:00:00Z, the timeline's start, in nanoseconds since the Unix epoch. */
  static final long BASE_EPOCH_NANOS = 1_772_445_600_000_000_000L;

  /** The node's CLOCK_BOOTTIME reading at {@link #BASE_EPOCH_NANOS}. */
  static final long BOOT_AT_BASE_NANOS = 5_232_567_890_123L;

  static final int CONTAINERS = 100;
  static final int PROCS_PER_CONTAINER = 10;
  static final int PROCESSES = CONTAINERS * PROCS_PER_CONTAINER;
  static final int FIRST_PID = 3000;
  static final long FIRST_CGROUP_ID = 4000;
  static final int FLOWS = 256;
  static final int EVIDENCE_PER_HOP = 24;
  static final int SPANS_PER_TRACE = 3;

  private static final int FRONTEND = 0;
  private static final int PAYMENT = 1;
  private static final String FRONTEND_IP = "10.244.1.5";
  private static final String PAYMENT_IP = "10.244.1.7";
  private static final String[] COMMS = {
    "java", "http-nio-8080-e", "nginx", "envoy", "postgres",
    "gunicorn", "node", "python3", "GC Thread#0", "containerd-shim"
  };

  private final int traceCount;
  private final long durationNanos;
  private final long seed;
  private final String[] containerIds = new String[CONTAINERS];
  private final String[] podUids = new String[CONTAINERS];
  private final String[] cgroupPaths = new String[CONTAINERS];
  private final long[] rootStart;
  private final long[] paymentStart;
  private final long[] paymentEnd;
  private final boolean[] slow;
  private final int slowCount;

  /**
   * Lays out the timeline.
   *
   * @param traceCount traces, each of {@value #SPANS_PER_TRACE} spans
   * @param slowFraction the fraction of traces whose payment span is a slow hop, 0..1
   * @param durationNanos the timeline's length; traces and background events are spread over it
   * @param seed the random seed: same arguments, same bytes
   */
  Workload(int traceCount, double slowFraction, long durationNanos, long seed) {
    this.traceCount = traceCount;
    this.durationNanos = durationNanos;
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed);
    for (int c = 0; c < CONTAINERS; c++) {
      containerIds[c] = hex16(r.nextLong()) + hex16(r.nextLong()) + hex16(r.nextLong()) + hex16(c);
      podUids[c] = new UUID(r.nextLong(), r.nextLong()).toString();
      cgroupPaths[c] = "/kubepods/burstable/pod" + podUids[c] + "/" + containerIds[c];
    }
    rootStart = new long[traceCount];
    paymentStart = new long[traceCount];
    paymentEnd = new long[traceCount];
    slow = new boolean[traceCount];
    long slot = traceCount == 0 ? 0 : durationNanos / traceCount;
    int n = 0;
    for (int i = 0; i < traceCount; i++) {
      rootStart[i] = BASE_EPOCH_NANOS + i * slot + r.nextLong(Math.max(1, slot / 4));
      slow[i] = r.nextDouble() < slowFraction;
      n += slow[i] ? 1 : 0;
      long self = slow[i] ? ms(300 + r.nextInt(400)) : ms(5 + r.nextInt(35));
      paymentStart[i] = rootStart[i] + ms(2) + r.nextInt(3_000_000);
      paymentEnd[i] = paymentStart[i] + self;
    }
    slowCount = n;
  }

  /** Number of traces whose payment span is slow. */
  int slowCount() {
    return slowCount;
  }

  /** Number of spans {@link #writeTraces} writes without a limit. */
  long spanCount() {
    return (long) traceCount * SPANS_PER_TRACE;
  }

  /**
   * The canonical stream of {@code events} events (plus one leading clock.sync line), in memory.
   */
  byte[] events(long events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(events * 240, 1 << 30));
    writeEvents(out, events);
    return out.toByteArray();
  }

  /** The traces as NDJSON, at most {@code maxSpans} spans, in memory. */
  byte[] traces(int spansPerLine, long maxSpans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTraces(out, spansPerLine, maxSpans);
    return out.toByteArray();
  }

  /**
   * Writes the kernel-event stream: a {@code clock.sync} line, then exactly {@code events} event
   * lines (cgroup.attach records, background events and slow-hop evidence), roughly in time order.
   *
   * @return bytes written
   */
  long writeEvents(OutputStream stream, long events) {
    SplittableRandom r = new SplittableRandom(seed * 31 + 7);
    try (AsciiSink out = new AsciiSink(stream)) {
      out.append("{\"event.name\":\"clock.sync\",\"host.name\":\"")
          .append(HOST)
          .append("\",\"clock\":\"boottime\",\"time_ns\":")
          .append(BOOT_AT_BASE_NANOS)
          .append(",\"realtime_ns\":")
          .append(BASE_EPOCH_NANOS)
          .append("}\n");
      long written = 0;
      for (int p = 0; p < PROCESSES && written < events; p++, written++) {
        int c = p / PROCS_PER_CONTAINER;
        out.append("{\"event.name\":\"cgroup.attach\",\"host.name\":\"")
            .append(HOST)
            .append("\",\"clock\":\"boottime\",\"time_ns\":")
            .append(BOOT_AT_BASE_NANOS)
            .append(",\"pid\":")
            .append(FIRST_PID + p)
            .append(",\"comm\":\"")
            .append(COMMS[p % COMMS.length])
            .append("\",\"cgroup.path\":\"")
            .append(cgroupPath(c))
            .append("\",\"cgroup.id\":")
            .append(FIRST_CGROUP_ID + c)
            .append(",\"source\":\"bpftrace:cgroup.bt\"}\n");
      }
      double step = (double) durationNanos / Math.max(1, events);
      int nextSlow = nextSlow(0);
      for (long k = 0; written < events; k++) {
        long t = BASE_EPOCH_NANOS + (long) (k * step);
        if (nextSlow < traceCount && paymentStart[nextSlow] <= t) {
          for (int e = 0; e < EVIDENCE_PER_HOP && written < events; e++, written++) {
            evidence(out, r, nextSlow, e);
          }
          nextSlow = nextSlow(nextSlow + 1);
        }
        if (written < events) {
          background(out, r, t);
          written++;
        }
      }
      return out.bytesWritten();
    }
  }

  private int nextSlow(int from) {
    int i = from;
    while (i < traceCount && !slow[i]) {
      i++;
    }
    return i;
  }

  private void background(AsciiSink out, SplittableRandom r, long t) {
    int kind = r.nextInt(100);
    if (kind < 55) {
      int p = r.nextInt(PROCESSES);
      runq(out, p, FIRST_PID + p + r.nextInt(8), t, 5_000 + r.nextInt(2_000_000));
    } else if (kind < 75) {
      boolean journal = r.nextInt(4) == 0;
      out.append("{\"event.name\":\"block.io_latency\",\"host.name\":\"")
          .append(HOST)
          .append("\",\"clock\":\"boottime\",\"time_ns\":")
          .append(boot(t))
          .append(",\"pid\":")
          .append(journal ? 318 : FIRST_PID + r.nextInt(PROCESSES))
          .append(",\"comm\":\"")
          .append(journal ? "jbd2/vda1-8" : "postgres")
          .append("\",\"dev\":\"")
          .append(r.nextInt(3) == 0 ? "vdb" : "vda")
          .append("\",\"dur_ns\":")
          .append(100_000 + r.nextInt(5_000_000))
          .append(",\"value\":")
          .append(4096L << r.nextInt(6))
          .append(",\"unit\":\"By\",\"attrs\":{\"op\":\"")
          .append(journal || r.nextBoolean() ? "write" : "read")
          .append("\"},\"source\":\"libbpf-tools:biosnoop\"}\n");
    } else if (kind < 90) {
      int f = r.nextInt(FLOWS);
      retransmit(
          out,
          t,
          r.nextInt(2),
          "10.244." + (2 + f / 64) + "." + (2 + f % 64),
          30_000 + f * 7,
          f % 3 == 0 ? "10.0.0.20" : "10.96.0." + (10 + f % 5),
          f % 3 == 0 ? 5432 : 443);
    } else {
      throttled(out, r.nextInt(CONTAINERS), t, ms(1) + r.nextInt(40_000_000), 1 + r.nextInt(5));
    }
  }

  private void evidence(AsciiSink out, SplittableRandom r, int trace, int e) {
    long from = paymentStart[trace];
    long len = paymentEnd[trace] - from;
    long end = from + len * (e + 1) / (EVIDENCE_PER_HOP + 1);
    int firstPid = FIRST_PID + PAYMENT * PROCS_PER_CONTAINER;
    switch (e % 4) {
      case 0, 1 -> {
        int pid = firstPid + r.nextInt(PROCS_PER_CONTAINER);
        runq(out, pid - FIRST_PID, pid + r.nextInt(4), end, ms(10) + r.nextInt(30_000_000));
      }
      case 2 -> throttled(out, PAYMENT, end, ms(10) + r.nextInt(40_000_000), 1 + r.nextInt(3));
      default -> retransmit(out, end, 1, PAYMENT_IP, 8080, FRONTEND_IP, clientPort(trace));
    }
  }

  private void runq(AsciiSink out, int p, int tid, long end, long durNs) {
    out.append("{\"event.name\":\"sched.runq_latency\",\"host.name\":\"")
        .append(HOST)
        .append("\",\"clock\":\"boottime\",\"time_ns\":")
        .append(boot(end))
        .append(",\"pid\":")
        .append(FIRST_PID + p)
        .append(",\"tid\":")
        .append(tid)
        .append(",\"comm\":\"")
        .append(COMMS[p % COMMS.length])
        .append("\",\"cgroup.id\":")
        .append(FIRST_CGROUP_ID + p / PROCS_PER_CONTAINER)
        .append(",\"dur_ns\":")
        .append(durNs)
        .append(",\"source\":\"bpftrace:runqlat.bt\"}\n");
  }

  private void retransmit(
      AsciiSink out, long t, int cpu, String saddr, int sport, String daddr, int dport) {
    out.append("{\"event.name\":\"tcp.retransmit\",\"host.name\":\"")
        .append(HOST)
        .append("\",\"clock\":\"boottime\",\"time_ns\":")
        .append(boot(t))
        .append(",\"pid\":0,\"comm\":\"swapper/")
        .append(cpu)
        .append("\",\"saddr\":\"")
        .append(saddr)
        .append("\",\"sport\":")
        .append(sport)
        .append(",\"daddr\":\"")
        .append(daddr)
        .append("\",\"dport\":")
        .append(dport)
        .append(",\"proto\":\"tcp\",\"attrs\":{\"state\":\"ESTABLISHED\"}")
        .append(",\"source\":\"bpftrace:tcpretrans.bt\"}\n");
  }

  private void throttled(AsciiSink out, int c, long end, long durNs, int periods) {
    out.append("{\"event.name\":\"cpu.throttled\",\"host.name\":\"")
        .append(HOST)
        .append("\",\"clock\":\"realtime\",\"time_ns\":")
        .append(end)
        .append(",\"cgroup.path\":\"")
        .append(cgroupPath(c))
        .append("\",\"dur_ns\":")
        .append(durNs)
        .append(",\"value\":")
        .append(periods)
        .append(",\"unit\":\"1\",\"attrs\":{\"interval_ns\":100000000,\"cfs_quota_us\":20000")
        .append(",\"cfs_period_us\":100000},\"source\":\"cgroup-sampler\"}\n");
  }

  /**
   * Writes the traces as Collector file-exporter NDJSON: each line one request of {@code
   * spansPerLine} spans (the last may hold fewer), one {@code resourceSpans} element per service.
   *
   * @param maxSpans stop after this many spans (a trace may be cut short)
   * @return spans written
   */
  long writeTraces(OutputStream stream, int spansPerLine, long maxSpans) {
    SplittableRandom r = new SplittableRandom(seed * 17 + 3);
    StringBuilder[] bySvc = {new StringBuilder(), new StringBuilder()};
    long spans = 0;
    int inLine = 0;
    try (AsciiSink out = new AsciiSink(stream)) {
      for (int i = 0; i < traceCount && spans < maxSpans; i++) {
        String traceId = hex16(r.nextLong() | 1) + hex16(r.nextLong());
        String rootId = hex16(r.nextLong() | 1);
        String clientId = hex16(r.nextLong() | 1);
        String serverId = hex16(r.nextLong() | 1);
        long clientStart = paymentStart[i] - 1_000_000;
        long clientEnd = paymentEnd[i] + 1_000_000;
        long rootEnd = clientEnd + ms(2) + r.nextInt(8_000_000);
        for (int s = 0; s < SPANS_PER_TRACE && spans < maxSpans; s++) {
          switch (s) {
            case 0 -> rootSpan(bySvc[FRONTEND], traceId, rootId, i, rootEnd);
            case 1 ->
                clientSpan(bySvc[FRONTEND], traceId, clientId, rootId, i, clientStart, clientEnd);
            default -> serverSpan(bySvc[PAYMENT], traceId, serverId, clientId, i);
          }
          spans++;
          if (++inLine == spansPerLine) {
            line(out, bySvc);
            inLine = 0;
          }
        }
      }
      if (inLine > 0) {
        line(out, bySvc);
      }
    }
    return spans;
  }

  private void line(AsciiSink out, StringBuilder[] bySvc) {
    out.append("{\"resourceSpans\":[");
    boolean first = true;
    for (int svc = 0; svc < bySvc.length; svc++) {
      if (bySvc[svc].length() == 0) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      int c = svc == FRONTEND ? FRONTEND : PAYMENT;
      out.append("{\"resource\":{\"attributes\":[")
          .append(attr("service.name", svc == FRONTEND ? "frontend" : "payment"))
          .append(',')
          .append(attr("service.version", "1.8.2"))
          .append(',')
          .append(attr("host.name", HOST))
          .append(',')
          .append(intAttr("process.pid", 1))
          .append(',')
          .append(attr("container.id", containerIds[c]))
          .append(',')
          .append(attr("k8s.pod.uid", podUids[c]))
          .append(',')
          .append(
              attr("k8s.pod.name", (svc == FRONTEND ? "frontend" : "payment") + "-6b8f9d7c4-qj2lm"))
          .append(',')
          .append(attr("k8s.namespace.name", "shop"))
          .append(',')
          .append(attr("telemetry.sdk.language", "java"))
          .append("]},\"scopeSpans\":[{\"scope\":{\"name\":\"io.opentelemetry.tomcat-10.0\",")
          .append("\"version\":\"2.10.0-alpha\"},\"spans\":[")
          .append(bySvc[svc].toString())
          .append("]}]}");
      bySvc[svc].setLength(0);
    }
    out.append("]}\n");
  }

  private void rootSpan(StringBuilder b, String traceId, String id, int i, long end) {
    span(b, traceId, id, "", "GET /checkout", 2, rootStart[i], end);
    b.append(attr("http.request.method", "GET"))
        .append(',')
        .append(attr("url.path", "/checkout"))
        .append(',')
        .append(attr("url.scheme", "http"))
        .append(',')
        .append(attr("http.route", "/checkout"))
        .append(',')
        .append(attr("network.peer.address", "10.244.0.12"))
        .append(',')
        .append(intAttr("network.peer.port", 40_000 + i % 20_000))
        .append(',')
        .append(attr("network.local.address", FRONTEND_IP))
        .append(',')
        .append(intAttr("network.local.port", 8080))
        .append(',')
        .append(intAttr("server.port", 8080))
        .append(',')
        .append(attr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101"))
        .append(',')
        .append(intAttr("http.response.status_code", 200));
    endSpan(b);
  }

  private void clientSpan(
      StringBuilder b, String traceId, String id, String parent, int i, long start, long end) {
    span(b, traceId, id, parent, "POST /pay", 3, start, end);
    b.append(attr("http.request.method", "POST"))
        .append(',')
        .append(attr("server.address", "payment.shop.svc.cluster.local"))
        .append(',')
        .append(intAttr("server.port", 8080))
        .append(',')
        .append(attr("network.peer.address", PAYMENT_IP))
        .append(',')
        .append(intAttr("network.peer.port", 8080))
        .append(',')
        .append(attr("url.full", "http://payment.shop.svc.cluster.local:8080/pay"))
        .append(',')
        .append(intAttr("http.response.status_code", 200));
    endSpan(b);
  }

  private void serverSpan(StringBuilder b, String traceId, String id, String parent, int i) {
    span(b, traceId, id, parent, "POST /pay", 2, paymentStart[i], paymentEnd[i]);
    b.append(attr("http.request.method", "POST"))
        .append(',')
        .append(attr("url.path", "/pay"))
        .append(',')
        .append(attr("url.scheme", "http"))
        .append(',')
        .append(attr("http.route", "/pay"))
        .append(',')
        .append(attr("network.peer.address", FRONTEND_IP))
        .append(',')
        .append(intAttr("network.peer.port", clientPort(i)))
        .append(',')
        .append(attr("network.local.address", PAYMENT_IP))
        .append(',')
        .append(intAttr("network.local.port", 8080))
        .append(',')
        .append(intAttr("server.port", 8080))
        .append(',')
        .append(attr("network.protocol.version", "1.1"))
        .append(',')
        .append(intAttr("http.response.status_code", 200));
    endSpan(b);
  }

  private static void span(
      StringBuilder b,
      String traceId,
      String id,
      String parent,
      String name,
      int kind,
      long s,
      long e) {
    if (b.length() > 0) {
      b.append(',');
    }
    b.append("{\"traceId\":\"")
        .append(traceId)
        .append("\",\"spanId\":\"")
        .append(id)
        .append("\",\"parentSpanId\":\"")
        .append(parent)
        .append("\",\"name\":\"")
        .append(name)
        .append("\",\"kind\":")
        .append(kind)
        .append(",\"startTimeUnixNano\":\"")
        .append(s)
        .append("\",\"endTimeUnixNano\":\"")
        .append(e)
        .append("\",\"attributes\":[");
  }

  private static void endSpan(StringBuilder b) {
    b.append("],\"status\":{\"code\":0}}");
  }

  private static String attr(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  private static String intAttr(String key, long value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + value + "\"}}";
  }

  private static int clientPort(int trace) {
    return 32_768 + trace % 28_000;
  }

  private String cgroupPath(int c) {
    return cgroupPaths[c];
  }

  private static long boot(long epochNanos) {
    return epochNanos - BASE_EPOCH_NANOS + BOOT_AT_BASE_NANOS;
  }

  private static long ms(long millis) {
    return millis * 1_000_000L;
  }

  private static String hex16(long v) {
    String h = Long.toHexString(v);
    return "0000000000000000".substring(h.length()) + h;
  }
}
