package io.isostack.correlator.storage;

import io.isostack.correlator.receiver.IngestResult;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.WriteAheadLog;
import java.io.IOException;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays what a store holds into a started engine, before the receivers open: every entry in
 * sequence order, decoded again by a {@link LiveIngest} of its own and offered under its stored
 * sequence number (so that the engine reports it settled like any other). An entry the engine
 * refuses (its queue or memory full) is offered again until the patience runs out, then counted
 * ({@code correlator_storage_replay_dropped_total}) and left for the truncation.
 *
 * <p>Not thread-safe: runs once, on the thread that starts the server.
 */
public final class StoredReplay {
  private static final Logger LOG = LoggerFactory.getLogger(StoredReplay.class);
  private static final long RETRY_MILLIS = 10;

  private final WriteAheadStore store;
  private final long patienceNanos;

  /**
   * @param store the store to replay
   * @param patienceNanos how long one entry is offered again while the engine refuses it
   */
  public StoredReplay(WriteAheadStore store, long patienceNanos) {
    this.store = store;
    this.patienceNanos = patienceNanos;
  }

  /**
   * Replays every entry through {@code ingest}, whose write-ahead log this sets to one that offers
   * each batch under its stored number.
   *
   * @throws IOException if the store cannot be read
   * @throws InterruptedException if interrupted while waiting for the engine
   */
  public void into(LiveIngest ingest) throws IOException, InterruptedException {
    Replaying log = new Replaying();
    ingest.writeAhead(log);
    long[] records = new long[2];
    try {
      store.forEachEntry(
          (seq, kind, format, body) -> {
            log.seq = seq;
            long deadline = System.nanoTime() + patienceNanos;
            IngestResult r = ingest.replay(kind, format, body);
            while (r.outcome() == IngestResult.Outcome.REFUSED && System.nanoTime() < deadline) {
              sleep();
              r = ingest.replay(kind, format, body);
            }
            if (r.outcome() == IngestResult.Outcome.ACCEPTED) {
              store.counts().replayed(r.accepted());
              records[kind.spans() ? 0 : 1] += r.accepted();
            } else {
              store.counts().notReplayed();
            }
          });
    } catch (Interrupted e) {
      throw e.cause;
    }
    if (store.counts().replayedEntries() > 0 || store.counts().replayDropped() > 0) {
      LOG.info(
          "--storage: replayed {} stored requests ({} spans, {} kernel events); {} not taken",
          store.counts().replayedEntries(),
          records[0],
          records[1],
          store.counts().replayDropped());
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      throw new Interrupted(e);
    }
  }

  /** Carries an interruption out of the visitor. */
  private static final class Interrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient InterruptedException cause;

    Interrupted(InterruptedException cause) {
      super(cause);
      this.cause = cause;
    }
  }

  /** Offers each replayed batch under the number it was stored with; stores nothing again. */
  private static final class Replaying implements WriteAheadLog {
    long seq;

    @Override
    public Outcome append(
        Kind kind, String format, Supplier<byte[]> body, long maxEnd, LongPredicate offer) {
      return offer.test(seq) ? Outcome.ACCEPTED : Outcome.REFUSED;
    }
  }
}
