/**
 * The result of the method: {@link io.isostack.correlator.finding.Finding}, its evidence chain and
 * evidence, and their wording shared by every face ({@link
 * io.isostack.correlator.finding.FindingText}).
 *
 * <p>May use: the collector model only.
 */
package io.isostack.correlator.finding;
