package io.isostack.correlator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ExportOutcomeTest {

  @Test
  void failedLogExportsCountUndeliveredFindingsAndTheirReason() {
    ExportOutcome o = new ExportOutcome();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    o.bindTo(registry);
    for (int i = 0; i < 5; i++) {
      o.queued();
    }
    o.follow(CompletableResultCode.ofSuccess(), ExportOutcome.Signal.LOGS, 2, "x");
    o.follow(
        CompletableResultCode.ofExceptionalFailure(
            new RuntimeException(new ConnectException("Connection refused"))),
        ExportOutcome.Signal.LOGS,
        3,
        "x");
    o.follow(CompletableResultCode.ofFailure(), ExportOutcome.Signal.METRICS, 4, "x");

    assertThat(o.findingsDelivered()).isEqualTo(2);
    assertThat(o.findingsNotDelivered()).isEqualTo(3);
    assertThat(o.failures()).isEqualTo(2);
    assertThat(o.lastFailure()).isEqualTo("the endpoint answered with an error");
    assertThat(registry.get("correlator.findings.undelivered").functionCounter().count())
        .isEqualTo(3.0);
    assertThat(
            registry
                .get("correlator.export.failures")
                .tag("signal", "logs")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void theReasonIsTheInnermostCauseWithAMessage() {
    ExportOutcome o = new ExportOutcome();
    o.summariseAtEnd();
    o.follow(
        CompletableResultCode.ofExceptionalFailure(
            new RuntimeException(new ConnectException("Connection refused"))),
        ExportOutcome.Signal.LOGS,
        1,
        "x");
    assertThat(o.lastFailure()).isEqualTo("ConnectException: Connection refused");
  }
}
