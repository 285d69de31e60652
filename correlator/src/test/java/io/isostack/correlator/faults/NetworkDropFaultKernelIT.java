package io.isostack.correlator.faults;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.correlator.faults.FaultSuite.Instrumentation;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.Induction;
import io.isostack.correlator.lab.Load;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault 2 of the suite: the backend in its own network namespace behind a veth pair, with random
 * drops on that veth ({@code iptables -m statistic}), more of them until requests are measurably
 * slow. The frontend's calls are slowed by TCP retransmits; the live verdict is the L-3 network
 * slice (the socket's device is a veth).
 */
@Tag("kernel")
class NetworkDropFaultKernelIT {
  @BeforeAll
  static void lab() throws Exception {
    FaultSuite.requireKernelLab(Fault.RETRANSMIT);
  }

  @Test
  void dropsOnTheBackendsVethAreTheContainerNetworkSlice() throws Exception {
    try (FaultSuite suite = new FaultSuite(Fault.RETRANSMIT, "net", 18581)) {
      suite.prepare();
      FaultSuite.Serve serve = suite.serve();
      Process backend = suite.backend(serve, Instrumentation.SDK);
      suite.frontend(serve, Instrumentation.SDK);
      suite.warmUp();
      Load.Result baseline = suite.drive(Duration.ofSeconds(4)); // before the drops

      Induction.Outcome fault = suite.induce(backend, baseline, 2);
      assumeTrue(fault.induced(), fault.describe());

      List<JsonNode> findings =
          suite.subjectFindings(serve, fault, NetworkDropFaultKernelIT::frontendCall, 2);
      // A loss the retransmit tracepoint does not report (a tail-loss probe) leaves an RTO-shaped
      // gap on the client with no flow event: the same slice's weaker wire-time finding. A call
      // that opens a new connection while the drops run may lose its SYN: the same rule drops it,
      // the connect waits the initial RTO (1 s, RFC 6298 section 2.1) and the slice's verdict is
      // the slow connect.
      suite.assertVerdicts(
          findings, "L-3", true, "tcp-retransmit", 2, List.of("wire-time", "tcp-connect-latency"));
    }
  }

  /** Findings whose verdict is about the network: the frontend's slow calls to the backend. */
  private static boolean frontendCall(JsonNode f) {
    return f.get("service").asText().equals("frontend") && f.get("kind").asText().equals("CLIENT");
  }
}
