package io.isostack.correlator.detect;

import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link OperationCache} always answers what {@link SlowSpanDetector#operation} computes. */
class OperationCacheTest {

  @Test
  void answersTheComputedOperationForSharedAndFreshStringsThroughCollisions() {
    OperationCache cache = new OperationCache();
    Random r = new Random(3);
    String[] services = new String[40];
    String[] names = new String[60];
    for (int i = 0; i < services.length; i++) {
      services[i] = "service-" + i;
    }
    for (int i = 0; i < names.length; i++) {
      names[i] = "GET /op/" + i;
    }
    int hits = 0;
    for (int i = 0; i < 50_000; i++) {
      String service = services[r.nextInt(services.length)];
      String name = names[r.nextInt(names.length)];
      if (r.nextInt(10) == 0) { // an equal value in another instance
        service = new String(service);
        name = new String(name);
      }
      SpanKind kind = SpanKind.values()[r.nextInt(SpanKind.values().length)];
      SpanView s = span(1 + r.nextInt(100)).op(service, name, kind).at(0, 1).build();
      String op = cache.of(s);
      assertThat(op).isEqualTo(SlowSpanDetector.operation(s));
      hits += op == cache.of(s) ? 1 : 0;
    }
    assertThat(hits).isEqualTo(50_000); // the second lookup of a span is always the kept string
  }
}
