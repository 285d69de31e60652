package io.isostack.correlator.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link EntityKey}'s written-out equality is the record's: every component counts. */
class EntityKeyTest {

  @Test
  void equalKeysAreEqualAndHashAlike() {
    EntityKey a = EntityKey.process(new String("node-1"), 4242);
    EntityKey b = EntityKey.process("node-1", 4242);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(EntityKey.container("abc")).isEqualTo(EntityKey.container(new String("abc")));
    assertThat(EntityKey.host("h").hashCode()).isEqualTo(EntityKey.host("h").hashCode());
  }

  @Test
  void eachComponentTellsKeysApart() {
    EntityKey base = EntityKey.process("node-1", 4242);
    List<EntityKey> others =
        List.of(
            EntityKey.process("node-2", 4242),
            EntityKey.process("node-1", 4243),
            EntityKey.cgroupId("node-1", 4242L),
            new EntityKey(EntityKey.Kind.PROCESS, null, 4242),
            EntityKey.endpoint(new Endpoint("10.0.0.1", 4242)));
    for (EntityKey o : others) {
      assertThat(base).as("%s", o).isNotEqualTo(o);
      assertThat(o).as("%s", o).isNotEqualTo(base);
    }
    assertThat(new EntityKey(EntityKey.Kind.POD, null, null))
        .isEqualTo(new EntityKey(EntityKey.Kind.POD, null, null))
        .isNotEqualTo(EntityKey.pod("uid"));
    assertThat(base).isNotEqualTo("node-1:4242");
  }
}
