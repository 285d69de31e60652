package io.isostack.correlator.verdict;

import io.isostack.model.KernelEvent;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The kernel events joined to one slow hop and the join that found each: keyed by identity (two
 * equal records read from two input lines are two events), iterated in the order they were joined.
 *
 * <p>An {@link java.util.IdentityHashMap} iterates in the order of identity hash codes, which
 * differ from run to run, and rule matching and scoring walk this map in order; so this map keeps
 * the join order and the findings do not depend on the run. Not thread-safe.
 */
final class JoinedEvents extends AbstractMap<KernelEvent, String> {
  private final LinkedHashMap<Ref, String> map = new LinkedHashMap<>();

  @Override
  public String putIfAbsent(KernelEvent key, String value) {
    return map.putIfAbsent(new Ref(key), value);
  }

  @Override
  public String put(KernelEvent key, String value) {
    return map.put(new Ref(key), value);
  }

  @Override
  public String get(Object key) {
    return key instanceof KernelEvent e ? map.get(new Ref(e)) : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof KernelEvent e && map.containsKey(new Ref(e));
  }

  @Override
  public String remove(Object key) {
    return key instanceof KernelEvent e ? map.remove(new Ref(e)) : null;
  }

  @Override
  public int size() {
    return map.size();
  }

  @Override
  public Set<Map.Entry<KernelEvent, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return map.size();
      }

      @Override
      public Iterator<Map.Entry<KernelEvent, String>> iterator() {
        Iterator<Map.Entry<Ref, String>> it = map.entrySet().iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Map.Entry<KernelEvent, String> next() {
            Map.Entry<Ref, String> n = it.next();
            return new AbstractMap.SimpleImmutableEntry<>(n.getKey().event, n.getValue());
          }

          @Override
          public void remove() {
            it.remove();
          }
        };
      }
    };
  }

  /** An event compared by identity. */
  private static final class Ref {
    private final KernelEvent event;

    Ref(KernelEvent event) {
      this.event = event;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ref r && r.event == event;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(event);
    }
  }
}
