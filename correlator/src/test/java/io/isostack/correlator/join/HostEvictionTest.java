package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import org.junit.jupiter.api.Test;

class HostEvictionTest {
  private static final String CID =
      "c60f8fe0a62695279070962c5fdd707eb8d3af23681c2889290464c5c9307bec";

  private final ProcessDirectory processes = new ProcessDirectory();
  private final InterfaceDirectory interfaces = new InterfaceDirectory();
  private final Coverage coverage = new Coverage();
  private final HostEviction hosts = new HostEviction(processes, interfaces, coverage);

  private void learn(String host, int pid, double atMs) {
    KernelEvent e =
        KernelEvent.builder(EventName.CGROUP_ATTACH, host)
            .at(ms(atMs))
            .task(pid, pid, "backend")
            .cgroup(0, "/docker/" + CID)
            .build();
    processes.learn(e);
    coverage.learn(e);
    hosts.seen(host, e.endEpochNanos());
  }

  @Test
  void forgettingAHostKeepsTheOtherHostsProcessesInTheSameContainer() {
    learn("node-1", 10, 0);
    learn("node-2", 20, 0);

    assertThat(processes.forgetHost("node-1")).isEqualTo(1);

    String key = CgroupNames.containerKey(CID);
    assertThat(processes.processesOfContainer(key, ms(1)))
        .containsExactly(EntityKey.process("node-2", 20));
    assertThat(processes.size()).isEqualTo(1);
  }

  @Test
  void silentHostsAreForgottenPastTheHorizon() {
    learn("old", 1, 0);
    learn("new", 2, 5_000);

    assertThat(hosts.evict(ms(1_000), 100)).containsExactly("old");
    assertThat(processes.size()).isEqualTo(1);
    assertThat(hosts.evicted()).isEqualTo(1);
  }

  @Test
  void beyondTheProcessCapTheLeastRecentlySeenHostsGoFirst() {
    for (int h = 0; h < 5; h++) {
      learn("pod-" + h, 100, h);
    }
    learn("pod-0", 100, 10); // seen again: now the most recent

    assertThat(hosts.evict(Long.MIN_VALUE, 2)).containsExactly("pod-1", "pod-2", "pod-3");
    assertThat(processes.size()).isEqualTo(2);
  }
}
