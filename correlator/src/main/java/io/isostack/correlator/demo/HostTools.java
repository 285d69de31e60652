package io.isostack.correlator.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this machine offers for real faults: root, tools on the PATH. Stateless. */
public final class HostTools {
  private HostTools() {}

  /** Whether this process runs as root (uid 0), from {@code /proc/self/status}. */
  public static boolean isRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[1].equals("0");
      }
    }
    return false;
  }

  /** Whether an executable of that name is on the PATH. */
  public static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
