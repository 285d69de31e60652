/**
 * The fault lab shared by {@code correlator demo} and the fault suite: real faults induced on this
 * machine's kernel (CFS quota, veth drops, a disk write storm, a seccomp filter), the sample
 * services they slow, the load that measures the slowness at the client, and the undo of everything
 * created.
 *
 * <p>Uses only the JDK and the shipped producers and services under {@code samples/}; the drivers
 * ({@code demo}, the tests) decide what to do with the correlator.
 */
package io.isostack.correlator.lab;
