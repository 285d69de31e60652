package io.isostack.correlator.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isostack.clock.ClockConverter;
import io.isostack.clock.ClockDomain;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.OtlpLogEvents;
import io.isostack.codec.OtlpLogEventsJson;
import io.isostack.codec.RejectListener;
import io.isostack.codec.RejectReason;
import io.isostack.model.KernelEvent;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 2 in, per partition of the event topics: decodes each message into kernel events and sends
 * them on in batches per {@code host.name} (keyed by it, the batch's latest end time as the record
 * time), so the by-host topic carries one record per message and host, not one per event.
 *
 * <p>A message is, by its first non-blank byte: {@code 0x0A}, an {@code otlp_proto} {@code
 * ExportLogsServiceRequest} (the Collector's {@code kafka} exporter); {@code {} with {@code
 * "resourceLogs"} near its start, an {@code otlp_json} one; otherwise canonical JSON lines, bare
 * or {@code bpftrace -f json} records (docs/EVENTS.md). Validation, clock conversion and
 * rejection reasons are those of {@code serve}'s readers. The offsets learned from {@code
 * clock.sync} records are kept in the {@code clock-offsets} store, so a task moved to another
 * instance still converts a {@code boottime} stream. One instance per stream task, used by its
 * thread only.
 */
final class EventDecodeProcessor implements Processor<byte[], byte[], String, HostRecord> {
  private static final byte[] RESOURCE_LOGS = "\"resourceLogs\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESOURCE_LOGS_SNAKE =
      "\"resource_logs\"".getBytes(StandardCharsets.UTF_8);

  private final String defaultHost;
  private final StreamStats stats;
  private final ClockConverter clocks = new ClockConverter();
  private final Map<String, Long> offsetsKept = new HashMap<>();
  private final Map<String, Long> versionSeen = new HashMap<>();
  private final RejectListener rejects;
  private KernelEventReader reader;
  private OtlpLogEvents logs;
  private KernelEventReader.StreamState state;
  private ProcessorContext<String, HostRecord> context;
  private KeyValueStore<String, Long> offsets;

  EventDecodeProcessor(String defaultHost, StreamStats stats) {
    this.defaultHost = defaultHost;
    this.stats = stats;
    this.rejects = r -> stats.rejected(r.reason(), 1);
  }

  @Override
  public void init(ProcessorContext<String, HostRecord> context) {
    this.context = context;
    this.offsets = context.getStateStore(CorrelatorTopology.CLOCK_OFFSETS);
    try (KeyValueIterator<String, Long> it = offsets.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        int sep = kv.key.lastIndexOf('\u0000');
        ClockDomain domain = ClockDomain.fromWire(kv.key.substring(sep + 1));
        if (sep > 0 && domain != null) {
          clocks.sync(kv.key.substring(0, sep), domain, 0, kv.value);
          offsetsKept.put(kv.key, kv.value);
        }
      }
    }
    this.reader = new KernelEventReader(clocks, defaultHost);
    this.logs = new OtlpLogEvents(clocks, defaultHost);
    this.state = new KernelEventReader.StreamState("kafka:events");
  }

  @Override
  public void process(Record<byte[], byte[]> message) {
    byte[] v = message.value();
    if (v == null) {
      return;
    }
    Map<String, List<KernelEvent>> batches = new LinkedHashMap<>();
    Consumer<KernelEvent> out = e -> add(batches, e);
    try {
      decode(v, out);
    } catch (KafkaException e) {
      throw e; // the state store's: Kafka Streams must see them (task migration, fencing)
    } catch (RuntimeException | StackOverflowError e) {
      // A reader failure nobody foresaw: one counted rejection, the events before it still go on.
      stats.rejected(RejectReason.READER_ERROR, 1);
    }
    batches.forEach(this::send);
  }

  private void decode(byte[] v, Consumer<KernelEvent> out) {
    if (v.length > 0 && v[0] == 0x0A) {
      ExportLogsServiceRequest request = protobuf(v);
      if (request != null) {
        logs.convert(request, "kafka:events", out, rejects);
        return;
      }
    }
    int start = 0;
    while (start < v.length && Character.isWhitespace(v[start])) {
      start++;
    }
    if (start == v.length) {
      return;
    }
    if (v[start] == '{' && near(v, start, RESOURCE_LOGS, RESOURCE_LOGS_SNAKE)) {
      try {
        logs.convert(OtlpLogEventsJson.parse(v, 0, v.length), "kafka:events", out, rejects);
      } catch (IllegalArgumentException e) {
        stats.rejected(RejectReason.INVALID_JSON, 1);
      }
    } else {
      lines(v, out);
    }
  }

  /** The request, or null when the bytes are not one (then they are read as JSON lines). */
  private static ExportLogsServiceRequest protobuf(byte[] v) {
    try {
      return ExportLogsServiceRequest.parseFrom(v);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  private void lines(byte[] v, Consumer<KernelEvent> out) {
    int from = 0;
    long lineNo = 0;
    for (int i = 0; i <= v.length; i++) {
      if (i == v.length || v[i] == '\n') {
        int end = i > from && v[i - 1] == '\r' ? i - 1 : i;
        reader.decodeLine(v, from, end - from, state, ++lineNo, out, rejects);
        from = i + 1;
      }
    }
  }

  private void add(Map<String, List<KernelEvent>> batches, KernelEvent e) {
    keepOffsets(e.host());
    stats.events(1);
    List<KernelEvent> batch = batches.get(e.host());
    if (batch != null
        && (batch.size() >= HostRecord.MAX_BATCH
            || Math.abs(e.endEpochNanos() - batch.get(0).endEpochNanos())
                > HostRecord.MAX_BATCH_SPAN_NANOS)) {
      send(e.host(), batch);
      batch = null;
    }
    if (batch == null) {
      batch = new ArrayList<>();
      batches.put(e.host(), batch);
    }
    batch.add(e);
  }

  private void send(String host, List<KernelEvent> batch) {
    HostRecord.Events events = new HostRecord.Events(batch);
    context.forward(
        new Record<>(
            host, (HostRecord) events, Math.max(0, events.maxEndEpochNanos() / 1_000_000L)));
  }

  /** Persists the host's clock offsets when a {@code clock.sync} changed them. */
  private void keepOffsets(String host) {
    long version = clocks.version();
    Long seen = versionSeen.put(host, version);
    if (seen != null && seen == version) {
      return;
    }
    for (ClockDomain d : ClockDomain.values()) {
      if (d == ClockDomain.REALTIME) {
        continue;
      }
      Long offset = clocks.offsetNanos(host, d);
      String key = host + '\u0000' + d.wire();
      if (offset != null && !offset.equals(offsetsKept.get(key))) {
        offsets.put(key, offset);
        offsetsKept.put(key, offset);
      }
    }
  }

  private static boolean near(byte[] v, int start, byte[] a, byte[] b) {
    int limit = Math.min(v.length, start + 256);
    for (int i = start; i < limit; i++) {
      if (startsWith(v, i, a) || startsWith(v, i, b)) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] v, int at, byte[] p) {
    if (at + p.length > v.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (v[at + i] != p[i]) {
        return false;
      }
    }
    return true;
  }
}
