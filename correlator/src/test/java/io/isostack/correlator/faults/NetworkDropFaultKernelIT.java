package io.isostack.correlator.faults;

import static io.isostack.correlator.faults.FaultLab.EBPF;
import static io.isostack.correlator.faults.FaultLab.HOST;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault 2 of the suite: the backend in its own network namespace behind a veth pair, with random
 * drops on that veth ({@code iptables -m statistic}). The frontend's calls are slowed by TCP
 * retransmits; the live verdict is the L-3 network slice (the socket's device is a veth).
 */
@Tag("kernel")
class NetworkDropFaultKernelIT {
  @BeforeAll
  static void lab() throws Exception {
    FaultLab.requireKernelLab();
    assumeTrue(FaultLab.onPath("ip"), "needs iproute2");
    assumeTrue(FaultLab.onPath("iptables"), "needs iptables (apt-get install iptables)");
  }

  @Test
  void dropsOnTheBackendsVethAreTheContainerNetworkSlice() throws Exception {
    try (FaultLab lab = new FaultLab("net")) {
      long id = ProcessHandle.current().pid() % 200 + 20;
      String ns = "isofault" + id;
      String hostSide = "isov" + id + "a";
      String nsSide = "isov" + id + "b";
      String hostIp = "10.201." + id + ".1";
      String nsIp = "10.201." + id + ".2";
      FaultLab.sh("ip", "netns", "add", ns);
      lab.onClose(() -> FaultLab.quietly("ip", "netns", "del", ns));
      FaultLab.sh("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
      lab.onClose(() -> FaultLab.quietly("ip", "link", "del", hostSide));
      FaultLab.sh("ip", "link", "set", nsSide, "netns", ns);
      FaultLab.sh("ip", "addr", "add", hostIp + "/24", "dev", hostSide);
      FaultLab.sh("ip", "link", "set", hostSide, "up");
      FaultLab.sh("ip", "netns", "exec", ns, "ip", "addr", "add", nsIp + "/24", "dev", nsSide);
      FaultLab.sh("ip", "netns", "exec", ns, "ip", "link", "set", nsSide, "up");
      FaultLab.sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");

      // The correlator listens on the host end of the veth, so the backend in the namespace
      // reaches it; only addresses of the namespace this test made are used.
      FaultLab.Serve serve =
          lab.serve(
              hostIp,
              List.of(
                  "bpftrace -q -f json " + EBPF.resolve("tcp.bt") + " " + HOST,
                  "bash " + EBPF.resolve("interfaces.sh") + " --host " + HOST + " --interval-s 2"));
      int backendPort = 18581;
      lab.service(
          "backend",
          nsIp,
          backendPort,
          List.of("ip", "netns", "exec", ns),
          List.of(),
          List.of("--otlp-endpoint", serve.otlpEndpoint(), "--bind", nsIp));
      lab.service(
          "frontend",
          "127.0.0.1",
          18580,
          List.of(),
          List.of(),
          List.of(
              "--otlp-endpoint",
              serve.otlpEndpoint(),
              "--backend",
              "http://" + nsIp + ":" + backendPort));
      URI checkout = URI.create("http://127.0.0.1:18580/checkout");
      lab.drive(checkout, 10, Duration.ofSeconds(4), false, 4);
      lab.drive(checkout, 3, Duration.ofSeconds(4), true, 3); // the baseline, before the drops

      long faultStart = FaultLab.now();
      List<String> drop =
          List.of(
              "INPUT",
              "-i",
              nsSide,
              "-p",
              "tcp",
              "--dport",
              Integer.toString(backendPort),
              "-m",
              "statistic",
              "--mode",
              "random",
              "--probability",
              "0.3",
              "-j",
              "DROP");
      FaultLab.sh(concat(List.of("ip", "netns", "exec", ns, "iptables", "-I"), drop));
      lab.onClose(
          () ->
              FaultLab.quietly(concat(List.of("ip", "netns", "exec", ns, "iptables", "-D"), drop)));
      lab.drive(checkout, 3, Duration.ofSeconds(10), true, 3);

      FaultLab.await(
          "2 findings for the frontend's calls, see " + lab.logs(),
          45,
          () -> callFindings(FaultLab.since(lab.findings(serve), faultStart)).size() >= 2);
      FaultLab.assertVerdicts(
          callFindings(FaultLab.since(lab.findings(serve), faultStart)),
          "L-3",
          true,
          "tcp-retransmit",
          2,
          lab.logs());
    }
  }

  /** Findings whose verdict is about the network: the frontend's slow calls to the backend. */
  private static List<JsonNode> callFindings(List<JsonNode> findings) {
    return findings.stream()
        .filter(f -> f.get("service").asText().equals("frontend"))
        .filter(f -> f.get("kind").asText().equals("CLIENT"))
        .toList();
  }

  private static String[] concat(List<String> a, List<String> b) {
    return CpuThrottleFaultKernelIT.concat(a, b).toArray(new String[0]);
  }
}
