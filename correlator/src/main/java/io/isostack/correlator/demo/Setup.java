package io.isostack.correlator.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fault decides about the demo before it starts: where the correlator listens, which eBPF
 * producers feed it, where the backend listens and how it is launched. Mutable, filled by {@link
 * Fault#prepare}; not thread-safe.
 */
public final class Setup {
  /** The shipped eBPF producers ({@code samples/ebpf}). */
  final Path ebpf;

  /** The {@code host.name} of spans and events. */
  final String host;

  /** A directory for the backend's files and the fault's. */
  final Path work;

  /** Address the correlator's receivers bind to. */
  String bind = "127.0.0.1";

  /** Address the backend listens on. */
  String backendAddress = "127.0.0.1";

  /** Commands run as producers by the correlator. */
  final List<String> producers = new ArrayList<>();

  /** What the backend's java command is prefixed with (a netns, a seccomp launcher). */
  final List<String> backendPrefix = new ArrayList<>();

  /** The backend's extra options. */
  final List<String> backendArgs = new ArrayList<>();

  Setup(Path ebpf, String host, Path work) {
    this.ebpf = ebpf;
    this.host = host;
    this.work = work;
  }

  /** The command line of a shipped bpftrace script with its parameters. */
  String bpftrace(String script, String... params) {
    return "bpftrace -q -f json "
        + ebpf.resolve(script)
        + " "
        + host
        + (params.length == 0 ? "" : " " + String.join(" ", params));
  }
}
