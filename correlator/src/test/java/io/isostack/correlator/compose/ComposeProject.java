package io.isostack.correlator.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's Docker Compose demo as the tests read it: {@code docker-compose.yml}, the fault
 * overrides and the collector config under {@code samples/compose/}, parsed with anchors and merge
 * keys resolved, and the argument vectors of its services.
 */
final class ComposeProject {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

  private ComposeProject() {}

  /** The repository root: the parent of the correlator module, where Maven runs its tests. */
  static Path root() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker-compose.yml"))
          && Files.isDirectory(p.resolve("correlator"))) {
        return p;
      }
    }
    throw new IllegalStateException("no docker-compose.yml above " + here);
  }

  static Path file(String relative) {
    return root().resolve(relative).normalize();
  }

  /** A YAML file as a Jackson tree (anchors, aliases and {@code <<} merge keys resolved). */
  static JsonNode yaml(Path path) {
    try {
      Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      Object value = yaml.load(Files.readString(path));
      return JSON.valueToTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(Path path) throws IOException {
    return JSON.readTree(path.toFile());
  }

  static JsonNode compose() {
    return yaml(file("docker-compose.yml"));
  }

  static JsonNode service(String name) {
    return compose().path("services").path(name);
  }

  static Path faultFile(String fault) {
    return file("samples/compose/fault-" + fault + ".yml");
  }

  static JsonNode collectorConfig() {
    return yaml(file("samples/compose/otel-collector.yaml"));
  }

  /**
   * What Compose makes of {@code ${VAR:-default}} when VAR is unset: the default; {@code $$} is a
   * literal {@code $}.
   */
  static String interpolate(String value) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
    }
    m.appendTail(out);
    return out.toString().replace("$$", "$");
  }

  static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(interpolate(n.asText())));
    } else if (node.isTextual()) {
      out.add(interpolate(node.asText()));
    }
    return out;
  }

  /**
   * The words a service's process is started with: entrypoint then command, a {@code /bin/sh -c
   * SCRIPT} split into words, quotes dropped, {@code $VAR} of the service's environment expanded.
   */
  static List<String> argv(JsonNode service) {
    List<String> words = new ArrayList<>(strings(service.path("entrypoint")));
    words.addAll(strings(service.path("command")));
    if (words.size() >= 3 && words.get(0).endsWith("sh") && words.get(1).equals("-c")) {
      words = new ArrayList<>(List.of(words.get(2).trim().split("\\s+")));
    }
    List<String> out = new ArrayList<>();
    for (String w : words) {
      String word = w.replace("\"", "").replace("'", "");
      if (word.startsWith("$")) {
        JsonNode env = service.path("environment").path(word.substring(1));
        if (!env.isMissingNode()) {
          String v = interpolate(env.asText()).trim();
          if (!v.isEmpty()) {
            out.addAll(List.of(v.split("\\s+")));
          }
          continue;
        }
      }
      if (!word.isEmpty() && !word.equals("exec")) {
        out.add(word);
      }
    }
    return out;
  }

  /** The keys of a mapping, in order. */
  static List<String> names(JsonNode mapping) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : mapping.properties()) {
      out.add(e.getKey());
    }
    return out;
  }

  /** The value after {@code --name} in an argument vector, or null. */
  static String option(List<String> argv, String name) {
    int i = argv.indexOf(name);
    return i < 0 || i + 1 >= argv.size() ? null : argv.get(i + 1);
  }

  /**
   * A service as Compose runs it with an override file: mappings merged key by key, sequences
   * ({@code volumes}, {@code security_opt}...) appended, scalars replaced.
   */
  static JsonNode withOverride(JsonNode base, JsonNode override) {
    if (override == null || override.isMissingNode() || override.isNull()) {
      return base;
    }
    if (!base.isObject() || !override.isObject()) {
      if (base.isArray() && override.isArray()) {
        ArrayNode both = base.deepCopy();
        both.addAll((ArrayNode) override);
        return both;
      }
      return override;
    }
    ObjectNode out = base.deepCopy();
    for (Map.Entry<String, JsonNode> e : override.properties()) {
      out.set(e.getKey(), withOverride(base.path(e.getKey()), e.getValue()));
    }
    return out;
  }

  /**
   * Container ports a service listens on: {@code expose} and the container side of {@code ports}.
   */
  static List<Integer> containerPorts(JsonNode service) {
    List<Integer> out = new ArrayList<>();
    for (String e : strings(service.path("expose"))) {
      out.add(Integer.parseInt(e));
    }
    for (String p : strings(service.path("ports"))) {
      String container = p.substring(p.lastIndexOf(':') + 1).replace("/tcp", "");
      out.add(Integer.parseInt(container));
    }
    return out;
  }
}
