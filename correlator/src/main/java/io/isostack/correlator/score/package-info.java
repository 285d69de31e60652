/**
 * Scores the engine on the corpus of real recordings ({@code samples/data/real-*}): each case is
 * analysed with the default options and its kernel-layer findings and slow traces are compared with
 * the case's ground truth ({@code expected.json}): precision, recall, and on a healthy case the
 * kernel layers blamed. Used by {@code correlator score} and by the corpus test.
 *
 * <p>Uses the receiver (the readers, as {@code analyze} loads them), the engine and the findings.
 */
package io.isostack.correlator.score;
