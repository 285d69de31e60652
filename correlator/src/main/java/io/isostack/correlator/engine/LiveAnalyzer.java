package io.isostack.correlator.engine;

import io.isostack.correlator.detect.LiveTraces;
import io.isostack.correlator.detect.RollingBaselines;
import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.SlowSpanDetector;
import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.join.Coverage;
import io.isostack.correlator.join.EventRouter;
import io.isostack.correlator.join.HostActivity;
import io.isostack.correlator.join.HostEviction;
import io.isostack.correlator.join.InterfaceDirectory;
import io.isostack.correlator.join.ProcessDirectory;
import io.isostack.correlator.join.SlicedEventIndex;
import io.isostack.correlator.receiver.EventConsumer;
import io.isostack.correlator.receiver.MemoryLimiter;
import io.isostack.correlator.receiver.MemoryLimiter.Buffer;
import io.isostack.correlator.receiver.SpanConsumer;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.verdict.VerticalStep;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live correlation: spans and kernel events stream in, findings stream out within a second of their
 * trace completing.
 *
 * <p>Receivers on any thread hand batches to a bounded queue ({@link #offerSpans}, {@link
 * #offerEvents}: false when full, so the receiver asks its client to retry; {@link #putEvents}
 * blocks, for files and producers). One engine thread owns all state: it assembles traces, keeps
 * kernel events in a window that slides with the newest event time (evicting what falls behind the
 * retention, and counting it), declares a trace complete when its root has ended and no span came
 * for the idle time, waits at most the event lateness for late kernel events, then runs the same
 * horizontal and vertical steps as {@code analyze} and publishes one {@link LiveFinding} per slow
 * hop. Baselines roll over the last spans of each operation.
 *
 * <p>Memory is bounded by the {@link LiveLimits}: every batch is accounted in the {@link
 * MemoryLimiter} (its estimated bytes, {@link Footprint}) from the queue to the open traces or the
 * event window until it is evaluated or evicted; above the soft limit, or with the trace buffer 90
 * % full, {@link #offerSpans} and {@link #offerEvents} refuse (the client retries) and {@link
 * #putEvents} waits. The event window sheds its oldest second early when it holds more than half
 * the soft limit, a trace is cut at the span cap, and silent or surplus hosts are forgotten; each
 * is counted ({@link LiveStats}). Thread-safe.
 */
public final class LiveAnalyzer implements SpanConsumer, EventConsumer, LiveView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveAnalyzer.class);
  private static final long TICK_NANOS = 50_000_000L;
  private static final long DUE_NANOS = 5_000_000L;
  private static final long SLICE_NANOS = 1_000_000_000L;
  private static final long ERROR_LOG_INTERVAL_NANOS = 10_000_000_000L;
  private static final long LOST_EVENT_BYTES = 400;

  /** {@code seq}: the batch's write-ahead entry ({@code serve --storage}), or 0 when not stored. */
  private record SpanBatch(Collection<SpanView> spans, long bytes, long seq) {}

  private record EventBatch(Collection<KernelEvent> events, long bytes, long seq) {}

  /** A complete trace waiting for late kernel events, with the end of its last span. */
  private record Waiting(LiveTraces.Completed completed, long endEpochNanos) {}

  private final RuleTable rules;
  private final LiveSettings options;
  private final AnalyzerSettings analysis;
  private final LongSupplier clock;
  private final Consumer<LiveFinding> sink;
  private final BlockingQueue<Object> queue;
  private final MemoryLimiter memory;
  private final LiveLimits limits;

  // Engine-thread state.
  private final ProcessDirectory processes = new ProcessDirectory();
  private final InterfaceDirectory interfaces = new InterfaceDirectory();
  private final Coverage coverage = new Coverage();
  private final EventRouter router = new EventRouter(processes, interfaces, coverage);
  private final HostEviction hosts = new HostEviction(processes, interfaces, coverage);
  private final SlicedEventIndex index = new SlicedEventIndex(SLICE_NANOS, router);
  private final LiveTraces traces;
  private final RollingBaselines baselines = new RollingBaselines(10_000);
  private final SlowSpanDetector detector;
  private final ArrayDeque<SlowSpan> recentHops = new ArrayDeque<>();
  private final Map<String, List<KernelEvent>> lostByHost = new HashMap<>();
  private final List<Waiting> waiting = new ArrayList<>();
  private long waitingBytes;
  private long lostBytes;
  private long watermark = Long.MIN_VALUE;
  private long lastErrorLog = Long.MIN_VALUE;
  // Write-ahead entries (serve --storage): the first entry of each trace held, in arrival order.
  private final Map<String, Long> firstSeqOfTrace = new LinkedHashMap<>();
  private long appliedSeq;
  private long evictionsSeen;
  private long lastTick = Long.MIN_VALUE;

  // Shared with readers of stats and findings.
  private final ArrayDeque<LiveFinding> recent = new ArrayDeque<>();
  private final AtomicLong spansReceived = new AtomicLong();
  private final AtomicLong eventsReceived = new AtomicLong();
  private final AtomicLong batchesRefused = new AtomicLong();
  private final AtomicLong eventsLate = new AtomicLong();
  private final AtomicLong eventsEvicted = new AtomicLong();
  private final AtomicLong tracesEvaluated = new AtomicLong();
  private final AtomicLong eventsShed = new AtomicLong();
  private final AtomicLong spansEvaluated = new AtomicLong();
  private final AtomicLong refusedForMemory = new AtomicLong();
  private final AtomicLong refusedForTraces = new AtomicLong();
  private volatile int openTraces;
  private final Map<String, LongAdder> findingsByLayer = new ConcurrentHashMap<>();
  private volatile LiveStats snapshot;
  private volatile boolean running;
  private volatile boolean closed;
  private volatile Thread thread;
  private volatile String failure;
  private volatile long settledSeq;
  private volatile long windowHorizon = Long.MIN_VALUE;

  /**
   * Creates a live correlator; call {@link #start()} to run it.
   *
   * @param rules the rule table
   * @param options the tunables
   * @param clock the wall clock, nanoseconds since the Unix epoch (injected for tests)
   * @param sink receives each finding on the engine thread; it must not block for long
   */
  public LiveAnalyzer(
      RuleTable rules, LiveSettings options, LongSupplier clock, Consumer<LiveFinding> sink) {
    this(rules, options, LiveLimits.forThisHeap(), clock, sink);
  }

  /**
   * Creates a live correlator with memory bounds; call {@link #start()} to run it.
   *
   * @param rules the rule table
   * @param options the tunables
   * @param limits the memory limiter and caps
   * @param clock the wall clock, nanoseconds since the Unix epoch (injected for tests)
   * @param sink receives each finding on the engine thread; it must not block for long
   */
  public LiveAnalyzer(
      RuleTable rules,
      LiveSettings options,
      LiveLimits limits,
      LongSupplier clock,
      Consumer<LiveFinding> sink) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.memory = limits.memory();
    this.rules = Objects.requireNonNull(rules, "rules");
    this.options = Objects.requireNonNull(options, "options");
    this.analysis = options.analysis();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.traces = new LiveTraces(options.maxTraces(), limits.maxSpansPerTrace());
    this.detector =
        new SlowSpanDetector(
            analysis.slowThresholdNanos(),
            analysis.baselineFloorNanos(),
            analysis.slowRequestNanos());
    this.snapshot = buildStats();
  }

  /** Starts the engine thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    running = true;
    thread = new Thread(this::run, "correlator-engine");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Hands a batch of spans to the engine without waiting.
   *
   * @return false when the queue is full, memory is above the soft limit or the trace buffer is 90
   *     % full: the caller should ask its client to retry later
   */
  @Override
  public boolean offerSpans(Collection<SpanView> spans) {
    return offerSpans(spans, 0);
  }

  /**
   * Hands a batch of spans stored as write-ahead entry {@code seq} to the engine without waiting;
   * {@link #settledSeq()} reports when the entry is no longer needed.
   *
   * @param seq the entry's sequence number, or 0 for a batch not stored
   * @return as {@link #offerSpans(Collection)}
   */
  @Override
  public boolean offerSpans(Collection<SpanView> spans, long seq) {
    if (openTraces >= options.maxTraces() - options.maxTraces() / 10) {
      refusedForTraces.incrementAndGet();
      batchesRefused.incrementAndGet();
      return false;
    }
    return offer(new SpanBatch(List.copyOf(spans), Footprint.spans(spans), seq));
  }

  /**
   * Hands a batch of kernel events to the engine without waiting.
   *
   * @return false when the queue is full or memory is above the soft limit: the caller should ask
   *     its client to retry later
   */
  @Override
  public boolean offerEvents(Collection<KernelEvent> events) {
    return offerEvents(events, 0);
  }

  /**
   * Hands a batch of kernel events stored as write-ahead entry {@code seq} to the engine without
   * waiting.
   *
   * @param seq the entry's sequence number, or 0 for a batch not stored
   * @return as {@link #offerEvents(Collection)}
   */
  @Override
  public boolean offerEvents(Collection<KernelEvent> events, long seq) {
    return offer(new EventBatch(List.copyOf(events), Footprint.events(events), seq));
  }

  /**
   * The write-ahead entries ({@code serve --storage}) that are no longer needed: every stored span
   * batch with a sequence number up to this one has been applied, and every trace it fed has been
   * evaluated (or dropped and counted). Entries must be offered in the order of their numbers.
   * Updated at each tick; thread-safe.
   */
  public long settledSeq() {
    return settledSeq;
  }

  /**
   * The start of the event window, nanoseconds since the Unix epoch ({@link Long#MIN_VALUE} before
   * the first event): a kernel event ending earlier has left it (evicted, or late if it came now).
   * Updated at each tick; thread-safe.
   */
  public long windowHorizonNanos() {
    return windowHorizon;
  }

  /** The memory limiter this engine accounts in. */
  public MemoryLimiter memory() {
    return memory;
  }

  /**
   * Hands a batch of kernel events to the engine, waiting while the queue is full (backpressure for
   * files, pipes and producers).
   *
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public void putEvents(Collection<KernelEvent> events) throws InterruptedException {
    EventBatch batch = new EventBatch(List.copyOf(events), Footprint.events(events), 0);
    while (acceptsInput()) {
      if (!memory.admits() || !memory.tryReserve(Buffer.QUEUE, batch.bytes())) {
        TimeUnit.NANOSECONDS.sleep(TICK_NANOS);
        continue;
      }
      if (queue.offer(batch, TICK_NANOS, TimeUnit.NANOSECONDS)) {
        return;
      }
      memory.release(Buffer.QUEUE, batch.bytes());
    }
    throw new IllegalStateException("the live correlator is stopped");
  }

  /**
   * Whether the engine is running: started, not closed, its thread alive. Before {@link #start()}
   * input is queued (so that nothing sent while starting is lost); after it stops, refused.
   */
  public boolean isRunning() {
    Thread t = thread;
    return t != null && running && t.isAlive();
  }

  private boolean acceptsInput() {
    Thread t = thread;
    return t == null ? !closed : running && t.isAlive();
  }

  private boolean offer(Object batch) {
    long bytes = batch instanceof SpanBatch s ? s.bytes() : ((EventBatch) batch).bytes();
    if (!acceptsInput()) {
      batchesRefused.incrementAndGet();
      return false;
    }
    if (!memory.admits() || !memory.tryReserve(Buffer.QUEUE, bytes)) {
      memory.refused();
      refusedForMemory.incrementAndGet();
      batchesRefused.incrementAndGet();
      return false;
    }
    if (!queue.offer(batch)) {
      memory.release(Buffer.QUEUE, bytes);
      batchesRefused.incrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * The most recent findings, newest first.
   *
   * @param max at most this many
   */
  @Override
  public List<LiveFinding> recentFindings(int max) {
    synchronized (recent) {
      List<LiveFinding> out = new ArrayList<>(Math.max(0, Math.min(max, recent.size())));
      for (Iterator<LiveFinding> it = recent.descendingIterator();
          it.hasNext() && out.size() < max; ) {
        out.add(it.next());
      }
      return out;
    }
  }

  /** Healthy while {@link #isRunning()}. */
  @Override
  public Health health() {
    if (isRunning()) {
      return new Health(true, "ok");
    }
    String failure = failure();
    return new Health(
        false,
        failure == null
            ? "the correlation engine is not running"
            : "the correlation engine stopped: " + failure);
  }

  /** The counters, as of the engine's last tick. */
  public LiveStats stats() {
    return snapshot;
  }

  /**
   * Stops the engine thread after it has processed what is queued and evaluated every buffered
   * trace, so nothing received is left unanalysed.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
      running = false;
      closed = true;
    }
    if (t != null) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Why the engine thread stopped on its own (a fatal error it could not go on after), or null
   * while it runs and after a clean {@link #close()}. A server seeing it set should exit non-zero
   * so that a supervisor restarts it.
   */
  public String failure() {
    return failure;
  }

  private void run() {
    try {
      loop();
    } catch (Throwable t) {
      failure =
          t.getClass().getSimpleName()
              + (t.getMessage() == null ? "" : ": " + t.getMessage())
              + " (accounted "
              + memory.usedBytes()
              + " of "
              + memory.hardLimitBytes()
              + " bytes)";
      running = false;
      LOG.error("the correlation engine stopped: {}", failure, t);
      if (t instanceof Error e && !(t instanceof OutOfMemoryError)) {
        throw e;
      }
    }
  }

  private void loop() {
    while (running) {
      try {
        Object first = queue.poll(DUE_NANOS, TimeUnit.NANOSECONDS);
        long now = clock.getAsLong();
        if (first != null) {
          process(first, now);
          // Drain for at most 5 ms, so that a steady stream never holds up completion.
          for (Object more;
              clock.getAsLong() - now < DUE_NANOS && (more = queue.poll()) != null; ) {
            process(more, now);
          }
        }
        now = clock.getAsLong();
        if (lastTick == Long.MIN_VALUE || now - lastTick >= TICK_NANOS) {
          tick(now);
          lastTick = now;
        } else {
          evaluateDue(now);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable t) {
        if (t instanceof Error && !(t instanceof AssertionError)) {
          throw (Error) t;
        }
        long now = clock.getAsLong();
        if (now - lastErrorLog > ERROR_LOG_INTERVAL_NANOS) {
          LOG.error("live correlation failed on a batch; going on", t);
          lastErrorLog = now;
        }
      }
    }
    long now = clock.getAsLong();
    for (Object rest; (rest = queue.poll()) != null; ) {
      process(rest, now);
    }
    addWaiting(traces.drain(now));
    evaluateReady(Long.MAX_VALUE);
    accountTraces();
    settle();
    snapshot = buildStats();
  }

  /** Processes every queued batch now, for tests that drive the engine without its thread. */
  void drainForTest(long now) {
    for (Object batch; (batch = queue.poll()) != null; ) {
      process(batch, now);
    }
  }

  /** Applies one batch (engine thread; package-private so tests can drive it). */
  void process(Object batch, long now) {
    if (batch instanceof SpanBatch s) {
      for (SpanView span : s.spans()) {
        if (traces.add(span, now, Footprint.span(span)) && s.seq() > 0) {
          firstSeqOfTrace.putIfAbsent(span.traceId(), s.seq());
        }
      }
      appliedSeq = Math.max(appliedSeq, s.seq());
      forgetEvicted();
      spansReceived.addAndGet(s.spans().size());
      memory.release(Buffer.QUEUE, s.bytes());
      accountTraces();
    } else if (batch instanceof EventBatch b) {
      for (KernelEvent e : b.events()) {
        addEvent(e, now);
      }
      appliedSeq = Math.max(appliedSeq, b.seq());
      memory.release(Buffer.QUEUE, b.bytes());
      accountEvents();
    }
  }

  private void accountTraces() {
    openTraces = traces.size();
    memory.set(Buffer.OPEN_TRACES, traces.bytes() + waitingBytes);
  }

  private void accountEvents() {
    long directories =
        (long) processes.size() * Footprint.PROCESS_ENTRY_BYTES + (long) hosts.size() * 512;
    // Events already taken are set, not reserved: the window's oldest second gives way so that the
    // total stays within the hard limit between two ticks' shedding (OverloadBench host churn).
    long others =
        memory.usedBytes()
            - memory.usedBytes(Buffer.EVENT_WINDOW)
            - memory.usedBytes(Buffer.DIRECTORIES);
    while (others + directories + index.bytes() + lostBytes > memory.hardLimitBytes()) {
      if (!shedOldest()) {
        break;
      }
    }
    memory.set(Buffer.EVENT_WINDOW, index.bytes() + lostBytes);
    memory.set(Buffer.DIRECTORIES, directories);
  }

  /**
   * Sheds what memory needs (engine thread): the window's oldest second while the window holds more
   * than half the soft limit, and hosts beyond the process cap or silent past the retention.
   */
  private void shed() {
    long windowShare = memory.softLimitBytes() / 2;
    while (index.bytes() + lostBytes > windowShare) {
      if (!shedOldest()) {
        break;
      }
    }
    long horizon =
        watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - options.retentionNanos();
    for (String host : hosts.evict(horizon, limits.maxProcesses())) {
      List<KernelEvent> lost = lostByHost.remove(host);
      if (lost != null) {
        lostBytes -= (long) lost.size() * LOST_EVENT_BYTES;
      }
    }
    accountEvents();
  }

  /**
   * Sheds the window's oldest second before its retention (memory is short), counted and marked.
   *
   * @return false when the window was empty
   */
  private boolean shedOldest() {
    long from = index.oldestSliceStartNanos();
    long n = index.evictOldest();
    if (n == 0) {
      return false;
    }
    eventsShed.addAndGet(n);
    markShed(from, from + index.sliceNanos(), n);
    return true;
  }

  /**
   * Records events shed from the window as lost on every host over their slice's time, so that a
   * span of that time says its evidence may be missing (lower confidence, a note) instead of
   * reading the missing events as "nothing happened" (absence of evidence is not evidence of
   * absence).
   */
  private void markShed(long fromEpochNanos, long toEpochNanos, long events) {
    List<KernelEvent> shed =
        lostByHost.computeIfAbsent(VerticalStep.EVERY_HOST, k -> new ArrayList<>());
    long from = fromEpochNanos;
    long count = events;
    if (!shed.isEmpty()) { // one marker: the oldest slices go first, so it grows at its end
      KernelEvent last = shed.remove(shed.size() - 1);
      from = Math.min(from, last.startEpochNanos());
      count += (long) last.value();
      lostBytes -= LOST_EVENT_BYTES;
    }
    shed.add(
        KernelEvent.builder(EventName.PRODUCER_LOST, VerticalStep.EVERY_HOST)
            .interval(from, Math.max(toEpochNanos, from))
            .value(count, "events")
            .attrs(Map.of("reason", "shed"))
            .build());
    lostBytes += LOST_EVENT_BYTES;
  }

  private void addEvent(KernelEvent e, long now) {
    if (watermark != Long.MIN_VALUE && e.endEpochNanos() < watermark - options.retentionNanos()) {
      eventsLate.incrementAndGet();
      return;
    }
    eventsReceived.incrementAndGet();
    // A clock far ahead must not slide the window over everything else.
    watermark =
        Math.max(watermark, Math.min(e.endEpochNanos(), now + options.eventLatenessNanos()));
    hosts.seen(e.host(), e.endEpochNanos());
    if (e.name() == EventName.PRODUCER_LOST) {
      lostByHost.computeIfAbsent(e.host(), k -> new ArrayList<>()).add(e);
      lostBytes += LOST_EVENT_BYTES;
      return;
    }
    if (router.learn(e) && rules.covers(e.name())) {
      index.add(e, Footprint.event(e));
    }
  }

  /**
   * Completes and evaluates what is due (engine thread, every 5 ms; the deadline queues of {@link
   * LiveTraces} make it cost nothing when nothing is due).
   */
  private void evaluateDue(long now) {
    addWaiting(traces.complete(now, options.traceIdleNanos(), options.traceTimeoutNanos()));
    evaluateReady(now);
    accountTraces();
  }

  /**
   * Completes, evaluates and evicts (engine thread, every 50 ms; package-private so tests can drive
   * it).
   */
  void tick(long now) {
    addWaiting(traces.complete(now, options.traceIdleNanos(), options.traceTimeoutNanos()));
    evaluateReady(now);
    if (watermark != Long.MIN_VALUE) {
      long horizon = watermark - options.retentionNanos();
      eventsEvicted.addAndGet(index.evictBefore(horizon));
      for (List<KernelEvent> l : lostByHost.values()) {
        int before = l.size();
        l.removeIf(e -> e.endEpochNanos() < horizon);
        lostBytes -= (long) (before - l.size()) * LOST_EVENT_BYTES;
      }
      while (!recentHops.isEmpty() && recentHops.peekFirst().span().endEpochNanos() < horizon) {
        recentHops.pollFirst();
      }
    }
    shed();
    accountTraces();
    settle();
    snapshot = buildStats();
  }

  /** Publishes how far the write-ahead entries are settled (engine thread). */
  private void settle() {
    Iterator<Long> first = firstSeqOfTrace.values().iterator();
    settledSeq = first.hasNext() ? first.next() - 1 : appliedSeq;
    windowHorizon =
        watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - options.retentionNanos();
  }

  /**
   * Forgets the entries of traces the buffer evicted unevaluated (their spans are counted as
   * evicted): the buffer evicts the oldest pending trace, the first one here that is not waiting.
   */
  private void forgetEvicted() {
    long evicted = traces.evicted();
    if (evicted == evictionsSeen) {
      return;
    }
    long n = evicted - evictionsSeen;
    evictionsSeen = evicted;
    Set<String> waitingIds = new HashSet<>();
    for (Waiting w : waiting) {
      waitingIds.add(w.completed().trace().traceId());
    }
    for (Iterator<String> it = firstSeqOfTrace.keySet().iterator(); it.hasNext() && n > 0; ) {
      if (!waitingIds.contains(it.next())) {
        it.remove();
        n--;
      }
    }
  }

  /**
   * Evaluates the complete traces whose kernel events can be taken as in: the newest event time has
   * passed the trace's end by the lateness, or the lateness has passed since it completed.
   */
  private void evaluateReady(long now) {
    List<LiveTraces.Completed> ready = new ArrayList<>();
    int kept = 0;
    for (int i = 0; i < waiting.size(); i++) {
      Waiting w = waiting.get(i);
      LiveTraces.Completed c = w.completed();
      boolean eventsIn =
          watermark != Long.MIN_VALUE
              && watermark - options.eventLatenessNanos()
                  >= w.endEpochNanos() + analysis.skewNanos();
      if (eventsIn || now >= c.completedEpochNanos() + options.eventLatenessNanos()) {
        ready.add(c);
        waitingBytes -= c.bytes();
      } else {
        waiting.set(kept++, w);
      }
    }
    if (ready.isEmpty()) {
      return;
    }
    waiting.subList(kept, waiting.size()).clear();
    List<SlowSpan> hops = new ArrayList<>();
    List<Long> completedAt = new ArrayList<>();
    for (LiveTraces.Completed c : ready) {
      for (SlowSpan hop : detector.detectThenRecord(c.trace(), baselines)) {
        hops.add(hop);
        completedAt.add(c.completedEpochNanos());
      }
      firstSeqOfTrace.remove(c.trace().traceId());
      tracesEvaluated.incrementAndGet();
      spansEvaluated.addAndGet(c.trace().size());
    }
    if (hops.isEmpty()) {
      return;
    }
    recentHops.addAll(hops);
    HostActivity activity = new HostActivity(List.copyOf(recentHops), analysis.defaultHost());
    VerticalStep correlator =
        new VerticalStep(
            rules,
            analysis.vertical(),
            index,
            processes,
            interfaces,
            coverage,
            activity,
            lostByHost);
    for (int i = 0; i < hops.size(); i++) {
      publish(
          new LiveFinding(
              correlator
                  .correlate(hops.get(i))
                  .withRequest(hops.get(i).requestNanos(), hops.get(i).requestShare()),
              completedAt.get(i),
              clock.getAsLong()));
    }
  }

  private void addWaiting(List<LiveTraces.Completed> done) {
    for (LiveTraces.Completed c : done) {
      waiting.add(new Waiting(c, end(c.trace())));
      waitingBytes += c.bytes();
    }
  }

  private void publish(LiveFinding f) {
    synchronized (recent) {
      recent.addLast(f);
      while (recent.size() > options.findingsKept()) {
        recent.removeFirst();
      }
    }
    findingsByLayer.computeIfAbsent(f.finding().layer().code(), k -> new LongAdder()).increment();
    try {
      sink.accept(f);
    } catch (RuntimeException e) {
      LOG.warn("a finding sink failed; the finding stays at /api/findings", e);
    }
  }

  private static long end(Trace trace) {
    long end = Long.MIN_VALUE;
    for (SpanView s : trace.spans()) {
      end = Math.max(end, s.endEpochNanos());
    }
    return end;
  }

  private LiveStats buildStats() {
    Map<String, Long> layers = new HashMap<>();
    findingsByLayer.forEach((k, v) -> layers.put(k, v.sum()));
    return new LiveStats(
        spansReceived.get(),
        eventsReceived.get(),
        batchesRefused.get(),
        traces == null ? 0 : traces.late(),
        eventsLate.get(),
        eventsEvicted.get(),
        traces == null ? 0 : traces.evicted(),
        tracesEvaluated.get(),
        traces == null ? 0 : traces.size(),
        index.size(),
        layers,
        traces == null ? 0 : traces.overCap(),
        eventsShed.get(),
        hosts.evicted(),
        refusedForMemory.get(),
        refusedForTraces.get(),
        spansEvaluated.get(),
        traces == null ? 0 : traces.duplicates(),
        traces == null ? 0 : traces.evictedSpans());
  }
}
