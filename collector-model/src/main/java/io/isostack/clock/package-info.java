/**
 * Clock domains (CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME) and their conversion to
 * nanoseconds since the Unix epoch from {@code clock.sync} records (docs/EVENTS.md).
 *
 * <p>May use: {@code io.isostack.model}.
 */
package io.isostack.clock;
