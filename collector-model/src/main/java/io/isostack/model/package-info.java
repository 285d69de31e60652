/**
 * The data the pipeline carries: {@link io.isostack.model.SpanView} (one span, as every trace
 * reader maps it), {@link io.isostack.model.KernelEvent} (one canonical kernel event,
 * docs/EVENTS.md), the isolation layers of docs/METHOD.md §2, flow keys and endpoints. Immutable
 * values.
 *
 * <p>May use: nothing of the project.
 */
package io.isostack.model;
