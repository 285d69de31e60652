package io.isostack.correlator.lab;

import java.io.IOException;

/**
 * The steps of a {@link Fault} kept in a class of its own (the OCI runtimes' faults, {@link
 * CrunThrottle}, {@link GvisorSyscalls}; {@link SeccompDenial}): what {@link Fault}'s methods of
 * the same names do, for a constant registered with one line ({@code CRUN_THROTTLE(new
 * CrunThrottle())}).
 */
interface FaultSteps {
  /** The verdict the fault should get, in words. */
  String expected();

  /** As {@link Fault#prepare}. */
  void prepare(FaultLab lab, FaultSetup s) throws IOException, InterruptedException;

  /** As {@link Fault#induce}. */
  void induce(FaultLab lab, FaultSetup s, Process backend, int level)
      throws IOException, InterruptedException;

  /** As {@link Fault#levels()}: 1 by default. */
  default int levels() {
    return 1;
  }

  /** As {@link Fault#strength}. */
  String strength(int level);

  /** As {@link Fault#presentFromStart()}: false by default. */
  default boolean presentFromStart() {
    return false;
  }

  /** Whether the backend runs in an OCI container ({@link OciBackend}): false by default. */
  default boolean inOciContainer() {
    return false;
  }

  /** What this machine lacks for the fault besides the lab's basics, or null. */
  default String missing() {
    return null;
  }

  /**
   * The steps of a fault in place from the backend's start ({@link #presentFromStart()}): what
   * {@link #prepare} sets up is the fault, and there is nothing to induce on the running backend.
   */
  interface FromStart extends FaultSteps {
    @Override
    default void induce(FaultLab lab, FaultSetup s, Process backend, int level) {}

    @Override
    default boolean presentFromStart() {
      return true;
    }
  }
}
