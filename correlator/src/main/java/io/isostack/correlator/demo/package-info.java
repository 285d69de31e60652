/**
 * The workshop: {@code correlator demo} induces a real fault with the fault lab and locates it
 * live.
 *
 * <p>May use: every package but {@code cli}.
 */
package io.isostack.correlator.demo;
