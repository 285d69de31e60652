/**
 * The drivers of the method: {@link io.isostack.correlator.engine.Analyzer} offline ({@code
 * analyze}) and {@link io.isostack.correlator.engine.LiveAnalyzer} live ({@code serve}), which
 * implements the receivers' consumer interfaces.
 *
 * <p>May use: every step below it ({@code receiver}, {@code detect}, {@code join}, {@code rules},
 * {@code finding}, {@code verdict}).
 */
package io.isostack.correlator.engine;
