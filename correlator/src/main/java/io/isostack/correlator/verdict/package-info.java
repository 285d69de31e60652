/**
 * Step 4, vertical (docs/METHOD.md §4): the candidates of a slow span, scoring by explained self
 * time, confidence, and the evidence chain in drill-down order.
 *
 * <p>May use: {@code detect}, {@code join}, {@code rules}, {@code finding} and the collector model.
 */
package io.isostack.correlator.verdict;
