package io.isostack.correlator.metrics;

import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.receiver.EventFollower;
import io.isostack.correlator.receiver.EventProducer;
import io.isostack.correlator.receiver.ReceiveTally;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.receiver.RequestRefusals;
import io.isostack.correlator.stream.CorrelatorStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The meters of {@code correlator serve} (and {@code stream}) in one Prometheus registry: the JVM's
 * (memory, GC, threads, class loading, processor, uptime), the finding delay ({@link
 * FindingDelayMetrics}) from creation, and, once {@link #bindLive} is called, the engine's ({@link
 * LiveAnalyzerMetrics}) and the inputs' ({@link IngestMetrics}); for {@code stream}, once {@link
 * #bindStream} is called, the instance's ({@link StreamMetrics}). {@link #scrape} writes them in
 * the Prometheus text format 0.0.4 or in OpenMetrics 1.0.
 *
 * <p>Create it before the engine, so that {@link #findingSink()} can be part of the engine's sink.
 * Thread-safe; {@link #close()} releases the GC listeners and the Kafka meters' refresh.
 */
public final class ServeMetrics implements AutoCloseable {
  /** The Prometheus text format's content type. */
  public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  /** The OpenMetrics text format's content type. */
  public static final String OPENMETRICS_FORMAT =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final FindingDelayMetrics delay = new FindingDelayMetrics();
  private final List<MeterBinder> bound = new ArrayList<>(); // keeps the binders reachable
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Creates the registry and binds the JVM meters and the finding delay. */
  public ServeMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().namingConvention(new CorrelatorNamingConvention());
    bind(new JvmMemoryMetrics());
    bind(gc);
    bind(new JvmThreadMetrics());
    bind(new ClassLoaderMetrics());
    bind(new ProcessorMetrics());
    bind(new UptimeMetrics());
    bind(delay);
  }

  /** Records each finding's delay; never throws, so it can run before other sinks. */
  public Consumer<LiveFinding> findingSink() {
    return delay;
  }

  /**
   * Binds the meters of a live server's engine and inputs; call once.
   *
   * @param engine the live correlator
   * @param received what the network receivers took in
   * @param rejects the rejections of every input
   * @param refusals the requests refused for who sent them
   * @param followers the followed files
   * @param producers the producer commands
   */
  public synchronized void bindLive(
      LiveAnalyzer engine,
      ReceiveTally received,
      RejectTally rejects,
      RequestRefusals refusals,
      List<EventFollower> followers,
      List<EventProducer> producers) {
    bind(new LiveAnalyzerMetrics(engine));
    bind(new RequestRefusalMetrics(refusals));
    bind(new MemoryLimiterMetrics(engine.memory()));
    bind(new IngestMetrics(received, rejects, followers, producers));
  }

  /**
   * Binds the meters of a {@code stream} instance ({@link StreamMetrics}); call once, before
   * starting it. {@link #close()} stops their refresh.
   *
   * @param stream the instance
   */
  public synchronized void bindStream(CorrelatorStream stream) {
    StreamMetrics m = new StreamMetrics(stream);
    bind(m);
    closeables.add(m);
  }

  /** The registry, e.g. to bind more meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The content type to answer a scrape with: OpenMetrics when the {@code Accept} header asks for
   * it, else the Prometheus text format.
   *
   * @param accept the request's {@code Accept} header, or null
   */
  public static String negotiate(String accept) {
    return accept != null
            && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
        ? OPENMETRICS_FORMAT
        : TEXT_FORMAT;
  }

  /**
   * Writes every meter.
   *
   * @param out where to write
   * @param contentType {@link #TEXT_FORMAT} or {@link #OPENMETRICS_FORMAT}
   * @throws IOException if writing fails
   */
  public void scrape(OutputStream out, String contentType) throws IOException {
    registry.scrape(out, contentType);
  }

  /** Every meter in the Prometheus text format. */
  public String scrape() {
    return registry.scrape(TEXT_FORMAT);
  }

  /** Releases the GC notification listeners and closes the registry. */
  @Override
  public void close() {
    gc.close();
    synchronized (this) {
      for (AutoCloseable c : closeables) {
        try {
          c.close();
        } catch (Exception e) {
          // closing anyway
        }
      }
    }
    registry.close();
  }

  private synchronized void bind(MeterBinder binder) {
    binder.bindTo(registry);
    bound.add(binder);
  }
}
