/**
 * The readers of every input format (docs/formats/): OTLP traces and logs, the canonical event
 * stream, bpftrace, libbpf-tools/BCC, Tetragon, Inspektor Gadget; format detection from the
 * content, and rejected and skipped records counted by reason.
 *
 * <p>May use: {@code io.isostack.model}, {@code io.isostack.clock}; no logging, no I/O beyond the
 * streams it is given.
 */
package io.isostack.codec;
