package io.isostack.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.isostack.model.KernelEvent;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code dmesg --json} (util-linux 2.38: {@code {"dmesg":[{"pri":6,"time":0.000000,"msg":"..."}]}},
 * {@code dmesg-json}): one document whose records become {@code log} events as {@link DmesgFormat}
 * raw lines do, with {@code attrs.level} and {@code attrs.facility} from {@code pri} (facility × 8
 * + level). A record without {@code time} or {@code msg} is rejected ({@code missing-field}) with
 * the line where it starts; a syntax error ends the document ({@code invalid-json}) and the records
 * before it are kept.
 *
 * <p>Detected ({@link Detection#CERTAIN}) when the head is a JSON object holding {@code "dmesg"}.
 * Stateless and thread-safe.
 */
final class DmesgJsonFormat implements FormatReader<KernelEvent> {

  @Override
  public String name() {
    return "dmesg-json";
  }

  @Override
  public int detect(InputHead head) {
    return !head.isBinary() && head.recordsStartWith('{') && head.contains("\"dmesg\"")
        ? Detection.CERTAIN
        : Detection.NO;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    return new WholeInputStream(
        source, (in, s, r) -> read(in, s, context, out::accept, r), rejects);
  }

  private static ReadSummary read(
      InputStream in,
      String source,
      ReadContext context,
      Consumer<KernelEvent> out,
      RejectListener rejects)
      throws IOException {
    AdapterStream state = new AdapterStream(source);
    try (JsonParser p = JsonEventFraming.MAPPER.getFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        state.reject(1, RejectReason.INVALID_JSON, "not a JSON object", rejects);
      } else {
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
          if ("dmesg".equals(p.currentName()) && p.nextToken() == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              record(p, state, context, out, rejects);
            }
          } else {
            p.nextToken();
            p.skipChildren();
          }
        }
      }
      state.lines = p.currentLocation().getLineNr();
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      state.lines = Math.max(state.lines, line);
      state.reject(line, RejectReason.INVALID_JSON, e.getOriginalMessage(), rejects);
    } catch (CharConversionException e) {
      state.reject(state.lines + 1, RejectReason.INVALID_ENCODING, e.getMessage(), rejects);
    }
    return state.summary();
  }

  private static void record(
      JsonParser p,
      AdapterStream state,
      ReadContext context,
      Consumer<KernelEvent> out,
      RejectListener rejects)
      throws IOException {
    long line = p.currentTokenLocation().getLineNr();
    int pri = -1;
    String time = null;
    String msg = null;
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "pri" -> pri = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
        case "time" -> time = v.isNumeric() || v == JsonToken.VALUE_STRING ? p.getText() : null;
        case "msg" -> msg = v == JsonToken.VALUE_STRING ? p.getText() : null;
        default -> p.skipChildren();
      }
    }
    try {
      if (time == null || msg == null) {
        throw new BadRecord(
            RejectReason.MISSING_FIELD, "dmesg record without " + (time == null ? "time" : "msg"));
      }
      long boot = KernelLogs.secondsToNanos(time);
      if (boot == TextNumbers.INVALID) {
        throw new BadRecord(RejectReason.INVALID_VALUE, "time is not seconds: " + time);
      }
      String host = context.defaultHost();
      Map<String, String> attrs = new HashMap<>();
      if (pri >= 0) {
        attrs.put("level", KernelLogs.level(pri & 7));
        attrs.put("facility", KernelLogs.facility(pri >> 3));
      }
      long t = KernelLogs.bootToEpoch(context.clocks(), host, boot);
      state.emit(
          KernelLogs.event(host, t, KernelEvent.UNKNOWN_PID, null, msg, attrs, "dmesg"), out);
    } catch (BadRecord bad) {
      state.reject(line, bad.reason(), bad.getMessage(), rejects);
    }
  }
}
