package io.isostack.correlator.storage;

import io.isostack.correlator.receiver.FollowOffsets;
import io.isostack.correlator.receiver.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead buffer of {@code serve --storage DIR}: one SQLite database ({@code
 * DIR/correlator.db}) in WAL mode with {@code synchronous=NORMAL}, holding the accepted requests
 * not yet settled (their bytes as received, in sequence order), the keys of the findings published,
 * the last {@value #FINDINGS_KEPT} published findings as {@code /api/findings} serves them (shown
 * again after a restart, {@link #findingsBeforeStart()}), and per followed file a few checkpoints
 * (a line start's offset and the newest event time before it, at most one per second of event time)
 * with the engine's last window horizon, so that a restart resumes a file where its events enter
 * the window again ({@link #resumeAt}).
 *
 * <p>Durability: a transaction is in the database file or its WAL (the operating system's page
 * cache) when its commit returns, so it survives the process being killed ({@code kill -9}); it
 * survives a power loss only up to the last checkpoint's {@code fsync} (SQLite's documented
 * guarantee for {@code synchronous=NORMAL} in WAL mode). The stored body bytes are capped: an
 * append that would pass the cap fails (the receiver refuses, the client retries) and is counted.
 *
 * <p>Thread-safe: one connection, every method synchronised on the store; {@link #append} offers
 * the batch inside that lock, so that the engine receives batches in sequence order.
 */
public final class WriteAheadStore implements WriteAheadLog, FollowOffsets, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteAheadStore.class);
  private static final String FILE = "correlator.db";

  /** Published findings kept for {@code /api/findings} after a restart, as the engine keeps. */
  public static final int FINDINGS_KEPT = 1000;

  private static final long CHECKPOINT_NANOS = 1_000_000_000L;

  private final Connection db;
  private final long maxBytes;
  private final PreparedStatement insert;
  private final PreparedStatement publish;
  private final PreparedStatement offsetGet;
  private final PreparedStatement offsetPut;
  private final PreparedStatement offsetsAhead;
  private final PreparedStatement findingPut;
  private final PreparedStatement findingsOld;
  private final List<StoredFinding> findingsBeforeStart;
  private long findingSeq;
  private final StorageCounts counts = new StorageCounts();
  private long nextSeq;
  private long bytes;
  private long entries;
  private boolean closed;

  private WriteAheadStore(Connection db, long maxBytes) throws SQLException {
    this.db = db;
    this.maxBytes = maxBytes;
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute(
          "CREATE TABLE IF NOT EXISTS entry (seq INTEGER PRIMARY KEY, spans INTEGER NOT NULL,"
              + " kind TEXT NOT NULL, format TEXT, max_end INTEGER NOT NULL, body BLOB NOT NULL)");
      s.execute("CREATE INDEX IF NOT EXISTS entry_window ON entry (spans, max_end)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS published (trace_id TEXT NOT NULL, span_id TEXT NOT NULL,"
              + " seq INTEGER NOT NULL, PRIMARY KEY (trace_id, span_id)) WITHOUT ROWID");
      s.execute(
          "CREATE TABLE IF NOT EXISTS follow_checkpoint (source TEXT NOT NULL,"
              + " second INTEGER NOT NULL, file_key TEXT NOT NULL, offset INTEGER NOT NULL,"
              + " max_end INTEGER NOT NULL, PRIMARY KEY (source, second)) WITHOUT ROWID");
      s.execute(
          "CREATE TABLE IF NOT EXISTS finding (n INTEGER PRIMARY KEY, trace_id TEXT NOT NULL,"
              + " span_id TEXT NOT NULL, json TEXT NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS setting (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      List<StoredFinding> found = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "SELECT n, trace_id, span_id, json FROM finding ORDER BY n DESC LIMIT "
                  + FINDINGS_KEPT)) {
        while (r.next()) {
          findingSeq = Math.max(findingSeq, r.getLong(1));
          found.add(new StoredFinding(r.getString(2), r.getString(3), r.getString(4)));
        }
      }
      findingsBeforeStart = List.copyOf(found);
      try (ResultSet r =
          s.executeQuery(
              "SELECT coalesce(max(seq), 0), count(*), total(length(body)) FROM entry")) {
        r.next();
        nextSeq = r.getLong(1) + 1;
        entries = r.getLong(2);
        bytes = (long) r.getDouble(3);
      }
    }
    db.setAutoCommit(false);
    insert =
        db.prepareStatement(
            "INSERT INTO entry (seq, spans, kind, format, max_end, body) VALUES (?, ?, ?, ?, ?, ?)");
    publish =
        db.prepareStatement(
            "INSERT OR IGNORE INTO published (trace_id, span_id, seq) VALUES (?, ?, ?)");
    offsetGet =
        db.prepareStatement(
            "SELECT offset FROM follow_checkpoint WHERE source = ? AND file_key = ? AND offset <= ?"
                + " AND max_end < coalesce((SELECT value FROM setting WHERE name = 'horizon'), ?)"
                + " ORDER BY offset DESC LIMIT 1");
    offsetsAhead =
        db.prepareStatement(
            "DELETE FROM follow_checkpoint WHERE source = ? AND (file_key <> ? OR offset > ?)");
    offsetPut =
        db.prepareStatement(
            "INSERT OR REPLACE INTO follow_checkpoint (source, second, file_key, offset, max_end)"
                + " VALUES (?, ?, ?, ?, max(?, coalesce((SELECT max(max_end) FROM follow_checkpoint"
                + " WHERE source = ? AND file_key = ? AND offset <= ?), ?)))");
    findingPut =
        db.prepareStatement("INSERT INTO finding (n, trace_id, span_id, json) VALUES (?, ?, ?, ?)");
    findingsOld = db.prepareStatement("DELETE FROM finding WHERE n <= ?");
    db.commit();
  }

  /**
   * Opens (or creates) the store in {@code dir}, recovering what a killed process left.
   *
   * @param dir the directory, created if missing
   * @param maxBytes the most body bytes held, at least 1
   * @throws IOException if the directory or the database cannot be opened
   * @throws IllegalArgumentException if {@code maxBytes} is not positive
   */
  public static WriteAheadStore open(Path dir, long maxBytes) throws IOException {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: must be positive: " + maxBytes);
    }
    Files.createDirectories(dir);
    Connection db = null;
    try {
      db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FILE).toAbsolutePath());
      return new WriteAheadStore(db, maxBytes);
    } catch (SQLException e) {
      closeQuietly(db);
      throw new IOException(
          "--storage " + dir + ": cannot open " + FILE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Outcome append(
      Kind kind, String format, Supplier<byte[]> body, long maxEventEndNanos, LongPredicate offer) {
    if (closed) {
      counts.writeFailed(StorageCounts.ERROR);
      return Outcome.FAILED;
    }
    byte[] b = body.get();
    if (bytes + b.length > maxBytes) {
      counts.writeFailed(StorageCounts.FULL);
      return Outcome.FAILED;
    }
    long seq = nextSeq;
    try {
      insert.setLong(1, seq);
      insert.setInt(2, kind.spans() ? 1 : 0);
      insert.setString(3, kind.name());
      insert.setString(4, format);
      insert.setLong(5, maxEventEndNanos);
      insert.setBytes(6, b);
      insert.executeUpdate();
    } catch (SQLException e) {
      rollback();
      return failed("store a request", e);
    }
    boolean taken;
    try {
      taken = offer.test(seq);
    } catch (RuntimeException e) {
      rollback();
      throw e;
    }
    if (!taken) {
      rollback();
      return Outcome.REFUSED;
    }
    nextSeq++; // the engine knows this number now, even if the commit fails
    try {
      db.commit();
    } catch (SQLException e) {
      // The engine has the batch, but it is not stored: refuse, and the client's retry is counted
      // as duplicate spans (or events counted twice) rather than data acknowledged and lost.
      return failed("commit a request", e);
    }
    bytes += b.length;
    entries++;
    counts.appended();
    return Outcome.ACCEPTED;
  }

  /**
   * Records that the finding on span {@code spanId} of trace {@code traceId} is being published.
   *
   * @return false when it was published before (by this run or one before a restart): do not
   *     publish it again; true on a store failure too (counted), as a lost finding is worse
   */
  public synchronized boolean firstPublication(String traceId, String spanId) {
    return firstPublication(traceId, spanId, null);
  }

  /**
   * As {@link #firstPublication(String, String)}, and when it is the first publication, keeps the
   * finding's JSON ({@code json}, called then) among the last {@value #FINDINGS_KEPT}, in the same
   * transaction: shown by {@code /api/findings} after a restart.
   *
   * @param json the finding as {@code /api/findings} serves it, or null to keep only the key
   */
  public synchronized boolean firstPublication(
      String traceId, String spanId, Supplier<String> json) {
    if (closed) {
      return true;
    }
    try {
      publish.setString(1, traceId);
      publish.setString(2, spanId);
      publish.setLong(3, nextSeq - 1);
      int n = publish.executeUpdate();
      if (n == 1 && json != null) {
        long at = findingSeq + 1;
        findingPut.setLong(1, at);
        findingPut.setString(2, traceId);
        findingPut.setString(3, spanId);
        findingPut.setString(4, json.get());
        findingPut.executeUpdate();
        findingsOld.setLong(1, at - FINDINGS_KEPT);
        findingsOld.executeUpdate();
        db.commit();
        findingSeq = at;
        return true;
      }
      db.commit();
      return n == 1;
    } catch (SQLException e) {
      rollback();
      failed("record a published finding", e);
      return true;
    }
  }

  /**
   * The findings published before this store was opened (by the runs before a restart), newest
   * first, at most {@value #FINDINGS_KEPT}.
   */
  public List<StoredFinding> findingsBeforeStart() {
    return findingsBeforeStart;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the newest checkpoint of this file identity, at most {@code size}, whose events all
   * ended before the window horizon last given to {@link #truncate} (the events after it may be in
   * the engine's window: they are read again, so that the window is rebuilt); 0 when there is none
   * or no horizon was ever given.
   */
  @Override
  public synchronized long resumeAt(String source, String fileKey, long size) {
    if (closed) {
      return 0;
    }
    try {
      offsetGet.setString(1, source);
      offsetGet.setString(2, fileKey);
      offsetGet.setLong(3, size);
      offsetGet.setLong(4, Long.MIN_VALUE);
      try (ResultSet r = offsetGet.executeQuery()) {
        if (r.next() && r.getLong(1) > 0) {
          counts.resumed();
          long at = r.getLong(1);
          db.commit();
          return at;
        }
      }
      db.commit();
      return 0;
    } catch (SQLException e) {
      failed("read a follower's offset", e);
      return 0;
    }
  }

  @Override
  public synchronized void consumed(
      String source, String fileKey, long offset, long maxEventEndNanos) {
    if (closed) {
      return;
    }
    try {
      offsetsAhead.setString(1, source);
      offsetsAhead.setString(2, fileKey);
      offsetsAhead.setLong(3, offset);
      offsetsAhead.executeUpdate(); // another file now, or read again from before them
      offsetPut.setString(1, source);
      offsetPut.setLong(2, Math.floorDiv(maxEventEndNanos, CHECKPOINT_NANOS));
      offsetPut.setString(3, fileKey);
      offsetPut.setLong(4, offset);
      offsetPut.setLong(5, maxEventEndNanos);
      offsetPut.setString(6, source);
      offsetPut.setString(7, fileKey);
      offsetPut.setLong(8, offset);
      offsetPut.setLong(9, maxEventEndNanos);
      offsetPut.executeUpdate();
      db.commit();
    } catch (SQLException e) {
      rollback();
      failed("save a follower's offset", e);
    }
  }

  /**
   * Deletes what the engine no longer needs: span entries up to {@code settledSeq}, kernel-event
   * entries whose events all ended before {@code windowHorizonNanos}, the published-finding keys
   * recorded up to {@code settledSeq} (their traces cannot be replayed any more), and the
   * followers' checkpoints below the horizon but the newest; keeps the horizon for {@link
   * #resumeAt} after a restart.
   */
  public synchronized void truncate(long settledSeq, long windowHorizonNanos) {
    if (closed) {
      return;
    }
    String where = "(spans = 1 AND seq <= ?) OR (spans = 0 AND max_end < ?)";
    try (PreparedStatement size =
            db.prepareStatement("SELECT count(*), total(length(body)) FROM entry WHERE " + where);
        PreparedStatement delete = db.prepareStatement("DELETE FROM entry WHERE " + where);
        PreparedStatement keys = db.prepareStatement("DELETE FROM published WHERE seq <= ?");
        PreparedStatement horizon =
            db.prepareStatement(
                "INSERT OR REPLACE INTO setting (name, value) VALUES ('horizon', ?)");
        PreparedStatement checkpoints =
            db.prepareStatement(
                "DELETE FROM follow_checkpoint WHERE max_end < ? AND offset < (SELECT"
                    + " max(d.offset) FROM follow_checkpoint AS d WHERE d.source ="
                    + " follow_checkpoint.source AND d.max_end < ?)")) {
      for (PreparedStatement p : new PreparedStatement[] {size, delete}) {
        p.setLong(1, settledSeq);
        p.setLong(2, windowHorizonNanos);
      }
      long n;
      long b;
      try (ResultSet r = size.executeQuery()) {
        r.next();
        n = r.getLong(1);
        b = (long) r.getDouble(2);
      }
      if (n > 0) {
        delete.executeUpdate();
      }
      keys.setLong(1, settledSeq);
      keys.executeUpdate();
      if (windowHorizonNanos != Long.MIN_VALUE) {
        horizon.setLong(1, windowHorizonNanos);
        horizon.executeUpdate();
        checkpoints.setLong(1, windowHorizonNanos);
        checkpoints.setLong(2, windowHorizonNanos);
        checkpoints.executeUpdate();
      }
      db.commit();
      entries -= n;
      bytes -= b;
      counts.truncated(n);
    } catch (SQLException e) {
      rollback();
      failed("truncate", e);
    }
  }

  /** Calls {@code visitor} with every entry held, in sequence order (at start-up, before input). */
  synchronized void forEachEntry(EntryVisitor visitor) throws IOException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT seq, kind, format, body FROM entry ORDER BY seq")) {
      while (r.next()) {
        visitor.entry(r.getLong(1), Kind.valueOf(r.getString(2)), r.getString(3), r.getBytes(4));
      }
      db.commit();
    } catch (SQLException e) {
      throw new IOException("--storage: cannot read the stored requests: " + e.getMessage(), e);
    }
  }

  /** One stored request. */
  @FunctionalInterface
  interface EntryVisitor {
    void entry(long seq, Kind kind, String format, byte[] body);
  }

  /** Body bytes held now. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Entries held now. */
  public synchronized long entries() {
    return entries;
  }

  /** The store's counters (appends, failures, replays, truncations, suppressed findings). */
  public StorageCounts counts() {
    return counts;
  }

  /** Closes the database; later calls fail softly (appends fail, publications pass). */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(db);
    }
  }

  private Outcome failed(String what, SQLException e) {
    counts.writeFailed(StorageCounts.ERROR);
    if (counts.shouldLog()) {
      LOG.error("--storage: could not {}: {}", what, e.getMessage());
    }
    return Outcome.FAILED;
  }

  private void rollback() {
    try {
      db.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback", e);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.debug("close", e);
      }
    }
  }
}
