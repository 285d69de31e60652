package io.isostack.correlator.lab;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Induces a fault while driving probe requests, and makes the fault stronger level by level until
 * enough probes are measurably slowed, bounded in levels and time. On a busy machine a fault of
 * fixed strength may slow too few requests to be seen (a write storm competes with the load, a
 * quota is not reached); here the fault adapts instead of the expectations.
 *
 * <p>A probe counts as slowed when its latency at the client is at least the slow threshold above
 * the reference: the 90th percentile ({@link #BASELINE_QUANTILE}) of the latencies of the same
 * requests before the fault, or zero for a fault in place from the start. The extra time is then at
 * least what makes a span a slow hop (the horizontal step, docs/METHOD.md §4 step 1), beyond what
 * the busy machine alone does to nine fault-free requests in ten, and it is measured without asking
 * the correlator under test.
 *
 * <p>Each level is driven for one window; after a window the fault is strengthened if fewer probes
 * than needed were slowed so far. The run ends once enough were slowed and at least the minimum
 * duration passed, or once the last level's window passed the minimum duration without enough. Not
 * thread-safe.
 */
public final class Induction {
  /** The quantile of the fault-free latencies that slowed probes are compared with. */
  public static final double BASELINE_QUANTILE = 0.9;

  /**
   * How the fault is probed.
   *
   * @param url the request that crosses the faulted hop
   * @param rps probe requests per second, > 0
   * @param window how long each level is driven, > 0
   * @param maxInFlight the most probes open at once, > 0
   * @param slowNanos extra latency that makes a probe slowed: the correlator's slow threshold,
   *     nanoseconds, > 0
   * @param needed how many slowed probes make the fault induced, >= 0
   * @param atLeast the shortest time to drive probes, also when enough were slowed early
   */
  public record Probe(
      URI url,
      double rps,
      Duration window,
      int maxInFlight,
      long slowNanos,
      int needed,
      Duration atLeast) {
    /** Validates; the message names the field. */
    public Probe {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(atLeast, "atLeast");
      if (!(rps > 0) || window.isNegative() || window.isZero() || maxInFlight <= 0) {
        throw new IllegalArgumentException("rps, window and maxInFlight must be positive");
      }
      if (slowNanos <= 0 || needed < 0) {
        throw new IllegalArgumentException("slowNanos must be positive and needed not negative");
      }
    }
  }

  /**
   * What an induction achieved.
   *
   * @param fault the fault
   * @param level the strongest level reached
   * @param sent probes sent
   * @param answered probes answered without a server error
   * @param slowed probes slowed (see {@link Induction})
   * @param referenceNanos the latency slowed probes were compared with, nanoseconds
   * @param probe how it was probed
   * @param startEpochNanos when the fault was first induced, nanoseconds since the Unix epoch
   * @param drivenNanos how long probes were driven, nanoseconds
   */
  public record Outcome(
      Fault fault,
      int level,
      int sent,
      int answered,
      int slowed,
      long referenceNanos,
      Probe probe,
      long startEpochNanos,
      long drivenNanos) {
    /** Whether enough probes were slowed. */
    public boolean induced() {
      return slowed >= probe.needed();
    }

    /** One line: the fault, its strength, the probes slowed and whether that is enough. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "fault %s %s at level %d of %d (%s): %d of %d answered probes (%d sent in %.1f s) took"
              + " at least %d ms more than %d ms; %d needed",
          fault.cliName(),
          induced() ? "induced" : "could not be induced",
          level + 1,
          fault.levels(),
          fault.strength(level),
          slowed,
          answered,
          sent,
          drivenNanos / 1e9,
          probe.slowNanos() / 1_000_000,
          referenceNanos / 1_000_000,
          probe.needed());
    }
  }

  private final FaultLab lab;
  private final Load load;
  private final Clock clock;

  /**
   * Creates an induction in a lab.
   *
   * @param lab the lab the fault's undo steps go to
   * @param load the driver of the probes
   * @param clock the wall clock, for {@link Outcome#startEpochNanos()}
   */
  public Induction(FaultLab lab, Load load, Clock clock) {
    this.lab = lab;
    this.load = load;
    this.clock = clock;
  }

  /**
   * Induces the fault on the backend and drives probes, strengthening the fault as needed.
   *
   * @param fault the fault, prepared in this lab with this set-up
   * @param s the set-up
   * @param backend the running backend
   * @param probe how to probe
   * @param baseline the same requests before the fault; ignored (may be empty) for a fault present
   *     from the start
   * @param notes told each time the fault is strengthened, in words
   * @param tick told about once a second how many probes the current window sent
   * @return what was achieved; the fault stays on until the lab closes
   * @throws Exception what inducing the fault threw (an {@link java.io.IOException} naming the
   *     command or file), or {@link InterruptedException}
   */
  public Outcome run(
      Fault fault,
      FaultSetup s,
      Process backend,
      Probe probe,
      Load.Result baseline,
      Consumer<String> notes,
      IntConsumer tick)
      throws Exception {
    long reference = fault.presentFromStart() ? 0 : baseline.quantileNanos(BASELINE_QUANTILE);
    long start = epochNanos();
    long began = System.nanoTime();
    int level = 0;
    fault.induce(lab, s, backend, level);
    int sent = 0;
    int answered = 0;
    int slowed = 0;
    while (true) {
      Load.Result r =
          load.drive(probe.url(), probe.rps(), probe.window(), true, probe.maxInFlight(), tick);
      sent += r.sent();
      answered += r.answered();
      slowed += r.atLeast(reference + probe.slowNanos());
      long driven = System.nanoTime() - began;
      boolean longEnough = driven >= probe.atLeast().toNanos();
      boolean enough = slowed >= probe.needed();
      if (longEnough && (enough || level + 1 == fault.levels())) {
        return new Outcome(fault, level, sent, answered, slowed, reference, probe, start, driven);
      }
      if (!enough && level + 1 < fault.levels()) {
        level++;
        fault.induce(lab, s, backend, level);
        notes.accept("strengthened the fault to " + fault.strength(level));
      }
    }
  }

  private long epochNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
