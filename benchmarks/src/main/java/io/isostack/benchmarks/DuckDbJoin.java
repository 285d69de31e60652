package io.isostack.benchmarks;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The DuckDB side of {@link DuckDbBench}, run as its own process: loads the same NDJSON files the
 * correlator reads (Collector file-exporter traces, canonical kernel events) into an in-memory
 * DuckDB and runs the same join: clock conversion from the {@code clock.sync} record, pid and
 * cgroup id → cgroup path from the {@code cgroup.attach} records, self time at or above the slow
 * threshold, and per slow span and event name the count and overlap of the events on its cgroup or
 * its connection's 5-tuple within the span's window widened by the skew.
 *
 * <p>Usage: {@code DuckDbJoin TRACES EVENTS OUT [THREADS]}; writes one line per slow span with
 * evidence to OUT: {@code spanId<TAB>event.name=count/overlap_ns,...}. Prints nothing: it is
 * measured from outside.
 */
public final class DuckDbJoin {
  /** The correlator's default {@code --slow-threshold}, in nanoseconds. */
  static final long SLOW_NANOS = 250_000_000L;

  /** The correlator's default {@code --skew}, in nanoseconds. */
  static final long SKEW_NANOS = 2_000_000L;

  private DuckDbJoin() {}

  /**
   * Runs the load and the join.
   *
   * @param args traces file, events file, output file, optional thread count (default 2)
   * @throws Exception if DuckDB fails
   */
  public static void main(String[] args) throws Exception {
    String traces = args[0];
    String events = args[1];
    Path out = Path.of(args[2]);
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("SET threads=" + threads);
      st.execute("SET preserve_insertion_order=false");
      load(st, traces, events);
      join(st);
      try (ResultSet r =
              st.executeQuery(
                  "SELECT spanId, string_agg(name || '=' || n || '/' || overlap_ns, ','"
                      + " ORDER BY name) FROM hits GROUP BY spanId ORDER BY spanId");
          PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
        while (r.next()) {
          w.println(r.getString(1) + "\t" + r.getString(2));
        }
      }
    }
  }

  private static void load(Statement st, String traces, String events) throws SQLException {
    st.execute(
        "CREATE TABLE ev AS SELECT * FROM read_json('"
            + events
            + "', format='newline_delimited', columns={'event.name':'VARCHAR',"
            + " 'host.name':'VARCHAR', 'clock':'VARCHAR', 'time_ns':'BIGINT',"
            + " 'realtime_ns':'BIGINT', 'pid':'INTEGER', 'cgroup.id':'BIGINT',"
            + " 'cgroup.path':'VARCHAR', 'saddr':'VARCHAR', 'sport':'INTEGER',"
            + " 'daddr':'VARCHAR', 'dport':'INTEGER', 'dur_ns':'BIGINT'})");
    st.execute(
        "CREATE TABLE tr AS SELECT * FROM read_json('"
            + traces
            + "', format='newline_delimited', maximum_object_size=268435456)");
    st.execute(
        "CREATE TABLE spans AS WITH r AS (SELECT unnest(resourceSpans) AS rs FROM tr),"
            + " q AS (SELECT rs.resource.attributes AS res, unnest(rs.scopeSpans) AS ss FROM r),"
            + " s AS (SELECT res, unnest(ss.spans) AS sp FROM q)"
            + " SELECT list_filter(res, a -> a.key = 'host.name')[1].value.stringValue AS host,"
            + " list_filter(res, a -> a.key = 'container.id')[1].value.stringValue AS container,"
            + " sp.traceId AS traceId, sp.spanId AS spanId, sp.parentSpanId AS parentSpanId,"
            + " CAST(sp.startTimeUnixNano AS BIGINT) AS st, CAST(sp.endTimeUnixNano AS BIGINT) AS et,"
            + " list_filter(sp.attributes, a -> a.key = 'network.local.address')[1]"
            + ".value.stringValue AS laddr,"
            + " CAST(list_filter(sp.attributes, a -> a.key = 'network.local.port')[1]"
            + ".value.intValue AS INTEGER) AS lport,"
            + " list_filter(sp.attributes, a -> a.key = 'network.peer.address')[1]"
            + ".value.stringValue AS paddr,"
            + " CAST(list_filter(sp.attributes, a -> a.key = 'network.peer.port')[1]"
            + ".value.intValue AS INTEGER) AS pport"
            + " FROM s");
  }

  private static void join(Statement st) throws SQLException {
    st.execute(
        "CREATE TABLE sync AS SELECT \"host.name\" AS host, clock, realtime_ns - time_ns AS off"
            + " FROM ev WHERE \"event.name\" = 'clock.sync'");
    st.execute(
        "CREATE TABLE attach AS SELECT DISTINCT \"host.name\" AS host, pid,"
            + " \"cgroup.path\" AS path, \"cgroup.id\" AS cid FROM ev"
            + " WHERE \"event.name\" = 'cgroup.attach'");
    st.execute(
        "CREATE TABLE e AS SELECT ev.\"event.name\" AS name, ev.\"host.name\" AS host,"
            + " ev.time_ns + COALESCE(s.off, 0) AS end_ns,"
            + " ev.time_ns + COALESCE(s.off, 0) - COALESCE(ev.dur_ns, 0) AS start_ns,"
            + " COALESCE(ev.\"cgroup.path\", byid.path, bypid.path) AS cg,"
            + " ev.saddr, ev.sport, ev.daddr, ev.dport"
            + " FROM ev LEFT JOIN sync s ON s.host = ev.\"host.name\" AND s.clock = ev.clock"
            + " LEFT JOIN (SELECT DISTINCT host, cid, path FROM attach) byid"
            + "   ON byid.host = ev.\"host.name\" AND byid.cid = ev.\"cgroup.id\""
            + " LEFT JOIN attach bypid ON bypid.host = ev.\"host.name\" AND bypid.pid = ev.pid"
            + "   AND ev.\"event.name\" = 'sched.runq_latency'"
            + " WHERE ev.\"event.name\" NOT IN ('clock.sync', 'cgroup.attach')");
    st.execute(
        "CREATE TABLE child AS SELECT traceId, parentSpanId AS parent, sum(et - st) AS dur"
            + " FROM spans GROUP BY traceId, parentSpanId");
    st.execute(
        "CREATE TABLE slow AS SELECT s.*, p.path AS cg FROM spans s"
            + " LEFT JOIN child c ON c.traceId = s.traceId AND c.parent = s.spanId"
            + " LEFT JOIN (SELECT DISTINCT host, path FROM attach) p"
            + "   ON p.host = s.host AND ends_with(p.path, s.container)"
            + " WHERE (s.et - s.st) - COALESCE(c.dur, 0) >= "
            + SLOW_NANOS);
    String overlap =
        "count(*) AS n, sum(LEAST(e.end_ns, s.et + "
            + SKEW_NANOS
            + ") - GREATEST(e.start_ns, s.st - "
            + SKEW_NANOS
            + ")) AS overlap_ns";
    String window =
        " AND e.start_ns <= s.et + " + SKEW_NANOS + " AND e.end_ns >= s.st - " + SKEW_NANOS;
    st.execute(
        "CREATE TABLE hit_rows AS"
            + " SELECT s.spanId, e.name, "
            + overlap
            + " FROM slow s JOIN e ON e.host = s.host AND e.cg = s.cg"
            + window
            + " GROUP BY s.spanId, e.name"
            + " UNION ALL SELECT s.spanId, e.name, "
            + overlap
            + " FROM slow s JOIN e ON e.saddr = s.laddr AND e.sport = s.lport"
            + "   AND e.daddr = s.paddr AND e.dport = s.pport"
            + window
            + " GROUP BY s.spanId, e.name"
            + " UNION ALL SELECT s.spanId, e.name, "
            + overlap
            + " FROM slow s JOIN e ON e.daddr = s.laddr AND e.dport = s.lport"
            + "   AND e.saddr = s.paddr AND e.sport = s.pport"
            + window
            + " GROUP BY s.spanId, e.name");
    st.execute(
        "CREATE TABLE hits AS SELECT spanId, name, sum(n) AS n, sum(overlap_ns) AS overlap_ns"
            + " FROM hit_rows GROUP BY spanId, name");
  }
}
