package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.correlator.receiver.MemoryLimiter.Buffer;
import org.junit.jupiter.api.Test;

class MemoryLimiterTest {
  @Test
  void admitsBelowTheSoftLimitOnly() {
    MemoryLimiter m = new MemoryLimiter(100, 200);
    assertThat(m.admits()).isTrue();
    m.reserve(Buffer.QUEUE, 100);
    assertThat(m.admits()).isFalse();
    m.release(Buffer.QUEUE, 1);
    assertThat(m.admits()).isTrue();
  }

  @Test
  void noReservationPassesTheHardLimit() {
    MemoryLimiter m = new MemoryLimiter(100, 200);
    assertThat(m.tryReserve(Buffer.REQUEST_BODIES, 150)).isTrue();
    assertThat(m.tryReserve(Buffer.REQUEST_BODIES, 51)).isFalse();
    assertThat(m.tryReserve(Buffer.REQUEST_BODIES, 50)).isTrue();
    assertThat(m.usedBytes()).isEqualTo(200);
    assertThat(m.usedBytes(Buffer.REQUEST_BODIES)).isEqualTo(200);
  }

  @Test
  void setReplacesABuffersFigureAndKeepsTheTotal() {
    MemoryLimiter m = new MemoryLimiter(100, 200);
    m.reserve(Buffer.QUEUE, 10);
    m.set(Buffer.OPEN_TRACES, 50);
    m.set(Buffer.OPEN_TRACES, 30);
    assertThat(m.usedBytes()).isEqualTo(40);
    assertThat(m.usedBytes(Buffer.OPEN_TRACES)).isEqualTo(30);
    assertThat(m.highWaterBytes()).isEqualTo(60);
  }

  @Test
  void defaultsAreHalfTheHeapAndEightyPercentOfThat() {
    MemoryLimiter m = MemoryLimiter.forHeap(1000);
    assertThat(m.hardLimitBytes()).isEqualTo(500);
    assertThat(m.softLimitBytes()).isEqualTo(400);
  }

  @Test
  void aSoftLimitAboveTheHardOneIsRefused() {
    assertThatThrownBy(() -> new MemoryLimiter(300, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("soft");
  }

  @Test
  void aHeapAboveItsLimitAfterACollectionAdmitsNothing() {
    long[] heap = {100};
    MemoryLimiter m = new MemoryLimiter(100, 200, () -> heap[0], 900);
    assertThat(m.admits()).isTrue();
    heap[0] = 901;
    assertThat(m.admits()).isFalse();
  }

  @Test
  void theLimiterOfThisJvmReadsItsHeap() {
    MemoryLimiter m = MemoryLimiter.forHeap(Runtime.getRuntime().maxMemory());
    assertThat(MemoryLimiter.heapAfterLastCollection()).isNotNegative();
    assertThat(m.admits()).isTrue();
  }

  @Test
  void bufferTagsAreDashed() {
    assertThat(Buffer.REQUEST_BODIES.tag()).isEqualTo("request-bodies");
  }
}
