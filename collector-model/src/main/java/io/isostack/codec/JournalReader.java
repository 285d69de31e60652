package io.isostack.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.clock.ClockConverter;
import io.isostack.clock.ClockDomain;
import io.isostack.model.KernelEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads {@code journalctl -o json} (systemd 252; kernel and unit logs, one entry per line): every
 * entry becomes a {@code log} event ({@link KernelLogs}) with {@code source} {@code journald}.
 *
 * <p>Mapping: {@code MESSAGE} → {@code attrs.message} (a byte array, journald's form for messages
 * that are not valid UTF-8, is decoded with replacement); {@code _HOSTNAME} → host (else the
 * default host); {@code _PID}, {@code _COMM} → pid, comm; {@code PRIORITY} → {@code attrs.level};
 * {@code _TRANSPORT}, {@code SYSLOG_IDENTIFIER}, {@code _SYSTEMD_UNIT} → {@code attrs.transport},
 * {@code attrs.identifier}, {@code attrs.unit}.
 *
 * <p>Time (microseconds in the journal): a kernel entry's {@code _SOURCE_MONOTONIC_TIMESTAMP} (when
 * the kernel logged it, since boot) placed with the entry's own {@code __REALTIME_TIMESTAMP} −
 * {@code __MONOTONIC_TIMESTAMP} (journald may read the ring buffer long after); else {@code
 * _SOURCE_REALTIME_TIMESTAMP}; else {@code __REALTIME_TIMESTAMP}. The first entry of each boot
 * ({@code _BOOT_ID}) also records that offset as the host's boottime offset ({@link
 * ClockConverter#sync}), so that a {@code dmesg} of the same host read afterwards is placed too
 * (monotonic and boottime differ only by time spent suspended). An entry with no realtime field is
 * rejected ({@code missing-field}). Not thread-safe: one reader per stream.
 */
final class JournalReader extends JsonEventAdapter {
  private static final long MICROS = 1000L;

  private final ClockConverter clocks;
  private final String defaultHost;
  private String syncedBoot;

  JournalReader(ClockConverter clocks, String defaultHost) {
    this.clocks = Objects.requireNonNull(clocks, "clocks");
    this.defaultHost = Objects.requireNonNull(defaultHost, "defaultHost");
  }

  @Override
  void map(JsonNode r, AdapterStream stream, Consumer<KernelEvent> out) throws BadRecord {
    long realtime = JsonEventFraming.integer(r, "__REALTIME_TIMESTAMP", -1);
    if (realtime < 0) {
      throw new BadRecord(RejectReason.MISSING_FIELD, "journal entry without __REALTIME_TIMESTAMP");
    }
    String host = JsonEventFraming.text(r, "_HOSTNAME");
    host = host == null ? defaultHost : host;
    long monotonic = JsonEventFraming.integer(r, "__MONOTONIC_TIMESTAMP", -1);
    String boot = JsonEventFraming.text(r, "_BOOT_ID");
    if (monotonic >= 0 && boot != null && !boot.equals(syncedBoot)) {
      clocks.sync(host, ClockDomain.BOOTTIME, monotonic * MICROS, realtime * MICROS);
      syncedBoot = boot;
    }
    long sourceMono = JsonEventFraming.integer(r, "_SOURCE_MONOTONIC_TIMESTAMP", -1);
    long sourceReal = JsonEventFraming.integer(r, "_SOURCE_REALTIME_TIMESTAMP", -1);
    long t;
    if (sourceMono >= 0 && monotonic >= 0) {
      t = (realtime - monotonic + sourceMono) * MICROS;
    } else {
      t = (sourceReal >= 0 ? sourceReal : realtime) * MICROS;
    }
    Map<String, String> attrs = new HashMap<>();
    long priority = JsonEventFraming.integer(r, "PRIORITY", -1);
    if (priority >= 0 && priority <= 7) {
      attrs.put("level", KernelLogs.level((int) priority));
    }
    put(attrs, "transport", JsonEventFraming.text(r, "_TRANSPORT"));
    put(attrs, "identifier", JsonEventFraming.text(r, "SYSLOG_IDENTIFIER"));
    put(attrs, "unit", JsonEventFraming.text(r, "_SYSTEMD_UNIT"));
    long pid = JsonEventFraming.integer(r, "_PID", KernelEvent.UNKNOWN_PID);
    stream.emit(
        KernelLogs.event(
            host,
            t,
            pid > 0 && pid <= Integer.MAX_VALUE ? (int) pid : KernelEvent.UNKNOWN_PID,
            JsonEventFraming.text(r, "_COMM"),
            message(r.get("MESSAGE")),
            attrs,
            "journald"),
        out);
  }

  private static String message(JsonNode m) throws BadRecord {
    if (m == null || m.isNull()) {
      throw new BadRecord(RejectReason.MISSING_FIELD, "journal entry without MESSAGE");
    }
    if (!m.isArray()) {
      return m.asText();
    }
    byte[] b = new byte[m.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) m.get(i).asInt();
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void put(Map<String, String> attrs, String key, String value) {
    if (value != null) {
      attrs.put(key, value);
    }
  }
}
