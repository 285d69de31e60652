package io.isostack.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of another JVM, measured with {@code jcmd PID GC.class_histogram}: the histogram is
 * taken after a full collection, so its total is the bytes still reachable, unlike the heap after a
 * young collection, which still holds the old generation's garbage until G1's next mixed
 * collection. Also keeps the largest classes, to say what the live bytes are. Stateless.
 */
final class LiveSet {
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");
  private static final int TOP = 4;

  private LiveSet() {}

  /**
   * One measurement.
   *
   * @param liveBytes bytes reachable after the full collection
   * @param accountedBytes what the server's memory limiter accounted just before, bytes
   * @param top the largest classes, as {@code name MiB}
   */
  record Sample(long liveBytes, long accountedBytes, String top) {}

  /** The {@code jcmd} of the JDK running this bench, or null when it has none (a JRE). */
  static Path jcmd() {
    Path p = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    return Files.isExecutable(p) ? p : null;
  }

  /**
   * Takes the class histogram of {@code pid} (a full collection in that JVM).
   *
   * @param accountedBytes the limiter's accounted bytes at the time, kept with the sample
   * @return the sample, or null when jcmd failed or printed no total
   */
  static Sample measure(Path jcmd, long pid, long accountedBytes)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return null;
    }
    List<String> top = new ArrayList<>();
    for (String line : out.split("\n")) {
      Matcher total = TOTAL.matcher(line);
      if (total.find()) {
        return new Sample(Long.parseLong(total.group(2)), accountedBytes, String.join(", ", top));
      }
      Matcher row = ROW.matcher(line);
      if (row.find() && top.size() < TOP) {
        top.add(
            String.format(
                java.util.Locale.ROOT,
                "%s %.0f MiB",
                row.group(3),
                Long.parseLong(row.group(2)) / 1048576.0));
      }
    }
    return null;
  }
}
