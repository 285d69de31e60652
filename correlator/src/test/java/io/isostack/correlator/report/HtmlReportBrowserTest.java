package io.isostack.correlator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.correlator.finding.Finding;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in a real browser: headless Chromium (Debian package {@code chromium})
 * renders it to a PNG and dumps the DOM after the page's script ran. Skips when no Chromium is on
 * the PATH. The screenshot is kept as {@code target/html-report/cpu-throttle-chain.png}.
 */
@Tag("browser")
@Timeout(180)
class HtmlReportBrowserTest {
  private static final int WIDTH = 1400;
  private static final int HEIGHT = 1800;
  private static String chromium;

  @TempDir Path dir;

  @BeforeAll
  static void findChromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (!p.isEmpty() && Files.isExecutable(Path.of(p, name))) {
          chromium = Path.of(p, name).toString();
          return;
        }
      }
    }
  }

  @Test
  void chromiumRendersTheTwoAxisPageWithTheVerdict() throws Exception {
    assumeTrue(
        chromium != null,
        "no chromium on the PATH: install the Debian package 'chromium' to run browser tests");
    AnalysisReport report = HtmlSamples.analyze("cpu-throttle-chain");
    Finding first = report.findings().get(0);
    Path page = dir.resolve("report.html");
    try (Writer w = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
      new HtmlReportRenderer().render(report, w);
    }
    Path png = dir.resolve("report.png");

    Run shot = chromium(page, "--screenshot=" + png, "--window-size=" + WIDTH + "," + HEIGHT);
    Run dom = chromium(page, "--dump-dom");

    assertThat(shot.exit).as("chromium --screenshot: %s", shot.err).isZero();
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(50_000);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(WIDTH);
    assertThat(image.getHeight()).isEqualTo(HEIGHT);
    assertThat(colours(image)).as("distinct colours in the screenshot").isGreaterThan(50);
    Path kept = Path.of("target", "html-report", "cpu-throttle-chain.png");
    Files.createDirectories(kept.getParent());
    Files.copy(png, kept, StandardCopyOption.REPLACE_EXISTING);
    ImageIO.write(
        image.getSubimage(0, 0, WIDTH, 1000),
        "png",
        kept.resolveSibling("cpu-throttle-chain-top.png").toFile());

    assertThat(dom.exit).as("chromium --dump-dom: %s", dom.err).isZero();
    assertThat(dom.out)
        .as("the page's script ran")
        .contains("data-rendered=\"true\"")
        .contains("L-3 container, CPU throttling (" + Html.esc(first.detail()) + ")")
        .contains("data-lane=\"L-4\"")
        .contains("data-lane=\"host\"");
  }

  private static int colours(BufferedImage image) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        seen.add(image.getRGB(x, y));
      }
    }
    return seen.size();
  }

  private record Run(int exit, String out, String err) {}

  private Run chromium(Path page, String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(dir, "profile");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
    cmd.addAll(List.of(args));
    cmd.add(page.toUri().toString());
    Path out = dir.resolve("out-" + profile.getFileName());
    Path err = dir.resolve("err-" + profile.getFileName());
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s: " + cmd);
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
