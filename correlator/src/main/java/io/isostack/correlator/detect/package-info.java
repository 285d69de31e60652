/**
 * Step 1, horizontal (docs/METHOD.md §1, §4 step 1): trace assembly, self time (the span minus the
 * union of its children), slow spans by threshold or by baseline, slow requests attributed along
 * their critical path, and the baselines.
 *
 * <p>May use: the collector model only.
 */
package io.isostack.correlator.detect;
