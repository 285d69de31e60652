/**
 * Step 2, where a kernel event meets a span (docs/METHOD.md §5): entity keys, the time-ordered
 * event index, routing of events to keys, the process, cgroup and interface directories, and the
 * join keys of a slow span (process, cgroup, container, pod, 5-tuple, thread, peer, host).
 *
 * <p>May use: {@code detect} and the collector model.
 */
package io.isostack.correlator.join;
