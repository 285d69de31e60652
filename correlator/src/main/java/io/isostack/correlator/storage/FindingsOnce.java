package io.isostack.correlator.storage;

import io.isostack.correlator.engine.LiveFinding;
import io.isostack.model.SpanView;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A finding sink that publishes each finding at most once across restarts: before handing a finding
 * on, it records the finding's key (trace id and span id of the slow hop) in the store; a finding
 * whose key is there already (published by the run before a {@code kill -9}, and evaluated again
 * from the replayed spans) is counted ({@code correlator_storage_findings_suppressed_total}) and
 * not handed on. The key is committed before the finding is printed or exported, so a kill between
 * the two loses that one finding rather than publishing it twice. With the key, the finding's JSON
 * is kept (the last {@value WriteAheadStore#FINDINGS_KEPT}), for {@code /api/findings} after a
 * restart.
 *
 * <p>Called on the engine thread; thread-safe as the store is.
 */
public final class FindingsOnce implements Consumer<LiveFinding> {
  private final WriteAheadStore store;
  private final Function<LiveFinding, String> json;
  private final Consumer<LiveFinding> next;

  /**
   * @param store where the keys and findings are kept
   * @param json a finding as {@code /api/findings} serves it
   * @param next where a finding not published before goes (metrics, export, standard output)
   */
  public FindingsOnce(
      WriteAheadStore store, Function<LiveFinding, String> json, Consumer<LiveFinding> next) {
    this.store = Objects.requireNonNull(store, "store");
    this.json = Objects.requireNonNull(json, "json");
    this.next = Objects.requireNonNull(next, "next");
  }

  @Override
  public void accept(LiveFinding f) {
    SpanView span = f.finding().span();
    if (store.firstPublication(span.traceId(), span.spanId(), () -> json.apply(f))) {
      next.accept(f);
    } else {
      store.counts().suppressed();
    }
  }
}
