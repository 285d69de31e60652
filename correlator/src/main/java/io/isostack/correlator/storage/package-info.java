/**
 * {@code serve --storage DIR}: the on-disk write-ahead buffer. Accepted requests are stored before
 * the receivers answer OK and replayed after a restart; published findings are remembered so that a
 * replay does not publish them again, and kept for {@code /api/findings} after a restart; followed
 * files keep checkpoints, so that a restart reads again their lines still inside the window.
 * Between the engine (which reports how far the stored entries are settled) and the server that
 * wires it.
 */
package io.isostack.correlator.storage;
