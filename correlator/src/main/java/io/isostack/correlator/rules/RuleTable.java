package io.isostack.correlator.rules;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.join.DeviceKind;
import io.isostack.model.EventName;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rule table: kernel evidence → isolation layer, loaded from JSON.
 *
 * <p>The default table ({@code default-rules.json} in this package's resources) covers every row of
 * docs/METHOD.md §3.1 and §3.2; {@code --rules FILE} replaces it with a file of the same shape.
 * Rules are tried in file order and the first whose event name and conditions match wins. Immutable
 * and thread-safe once loaded.
 */
public final class RuleTable {
  private static final String DEFAULT_RESOURCE = "default-rules.json";

  private final List<Rule> rules;
  private final Map<EventName, List<Rule>> byEvent = new EnumMap<>(EventName.class);

  private RuleTable(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    for (Rule r : rules) {
      byEvent.computeIfAbsent(r.event(), k -> new ArrayList<>()).add(r);
    }
  }

  /**
   * The default rule table shipped with the correlator.
   *
   * @throws IllegalStateException if the resource is missing or invalid (a packaging error)
   */
  public static RuleTable defaults() {
    try (InputStream in = RuleTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      }
      return parse(in, DEFAULT_RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the default rule table: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a rule table from a file.
   *
   * @param file a JSON file shaped like the default table
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is not a valid rule table; the message names the
   *     file, the rule and the field
   */
  public static RuleTable load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    }
  }

  static RuleTable parse(InputStream in, String name) throws IOException {
    ObjectMapper mapper =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    RuleFile file;
    try {
      file = mapper.readValue(in, RuleFile.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(name + ": not a rule table: " + e.getOriginalMessage(), e);
    }
    if (file.rules == null || file.rules.isEmpty()) {
      throw new IllegalArgumentException(name + ": field 'rules' is missing or empty");
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < file.rules.size(); i++) {
      RuleEntry entry = file.rules.get(i);
      String where = name + ": rule #" + (i + 1) + (entry.id == null ? "" : " '" + entry.id + "'");
      try {
        Rule rule = entry.compile();
        if (!ids.add(rule.id())) {
          throw new IllegalArgumentException("duplicate id");
        }
        rules.add(rule);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return new RuleTable(rules);
  }

  /**
   * The first rule matching an event in a context.
   *
   * @param e the event
   * @param context the hop's context
   * @return the rule, or null when no rule applies (the event is not evidence)
   */
  public Rule match(KernelEvent e, RuleContext context) {
    List<Rule> candidates = byEvent.get(e.name());
    if (candidates == null) {
      return null;
    }
    for (Rule r : candidates) {
      if (r.condition().test(e, context)) {
        return r;
      }
    }
    return null;
  }

  /** Whether any rule looks at events of this name. */
  public boolean covers(EventName name) {
    return byEvent.containsKey(name);
  }

  /** All rules in file order. */
  public List<Rule> rules() {
    return Collections.unmodifiableList(rules);
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  static final class RuleFile {
    @JsonProperty int version;
    @JsonProperty String description;
    @JsonProperty List<RuleEntry> rules;
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  static final class RuleEntry {
    @JsonProperty String id;
    @JsonProperty String event;
    @JsonProperty When when;
    @JsonProperty String layer;
    @JsonProperty boolean network;
    @JsonProperty String cause;
    @JsonProperty String title;
    @JsonProperty String join;
    @JsonProperty String weight;
    @JsonProperty long instantNanos;
    @JsonProperty long backoffMaxNanos;
    @JsonProperty String detail;
    @JsonProperty String explanation;
    @JsonProperty String remediation;
    @JsonProperty String method;

    Rule compile() {
      require(id, "id");
      require(event, "event");
      EventName name = EventName.fromWire(event);
      if (name == null) {
        throw new IllegalArgumentException("field 'event': unknown event name '" + event + "'");
      }
      require(layer, "layer");
      IsolationLayer l;
      try {
        l = "$device".equals(layer) ? null : IsolationLayer.fromCode(layer);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("field 'layer': " + e.getMessage(), e);
      }
      Weight w = constant(Weight.class, weight, "weight");
      if ((w == Weight.INSTANT || w == Weight.BACKOFF || w == Weight.LOG) && instantNanos == 0) {
        throw new IllegalArgumentException(
            "field 'instantNanos' is required for weight '" + weight + "'");
      }
      if (w == Weight.BACKOFF && backoffMaxNanos == 0) {
        throw new IllegalArgumentException(
            "field 'backoffMaxNanos' is required for weight 'backoff'");
      }
      return new Rule(
          id,
          name,
          when == null ? Condition.ALWAYS : when.compile(),
          l,
          network,
          require(cause, "cause"),
          title == null || title.isBlank() ? cause : title,
          constant(Join.class, join, "join"),
          w,
          instantNanos,
          backoffMaxNanos,
          require(detail, "detail"),
          require(explanation, "explanation"),
          require(remediation, "remediation"),
          require(method, "method"));
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  static final class When {
    @JsonProperty List<String> state;
    @JsonProperty List<String> errno;
    @JsonProperty List<String> syscall;
    @JsonProperty List<String> message;
    @JsonProperty List<String> reasonPrefix;
    @JsonProperty Boolean sandbox;
    @JsonProperty Boolean cpuQuota;
    @JsonProperty Boolean cpuLimit;
    @JsonProperty List<String> deviceKind;
    @JsonProperty Double minValue;
    @JsonProperty Boolean virtqueueFull;

    Condition compile() {
      Set<DeviceKind> kinds = null;
      if (deviceKind != null) {
        kinds = new LinkedHashSet<>();
        for (String k : deviceKind) {
          kinds.add(constant(DeviceKind.class, k, "when.deviceKind"));
        }
      }
      return new Condition(
          set(state),
          set(errno),
          set(syscall),
          message == null ? null : List.copyOf(message),
          reasonPrefix == null ? null : List.copyOf(reasonPrefix),
          sandbox,
          cpuQuota,
          cpuLimit,
          kinds,
          minValue,
          virtqueueFull);
    }
  }

  /** An enum constant by its lower-case, dashed name, or an error naming the field and choices. */
  private static <E extends Enum<E>> E constant(Class<E> type, String value, String field) {
    require(value, field);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(upper(value).replace('-', '_'))) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw new IllegalArgumentException(
        "field '" + field + "': '" + value + "' is not one of " + String.join(", ", allowed));
  }

  private static Set<String> set(List<String> values) {
    return values == null ? null : Set.copyOf(values);
  }

  private static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  private static String require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("field '" + field + "' is missing");
    }
    return value;
  }
}
