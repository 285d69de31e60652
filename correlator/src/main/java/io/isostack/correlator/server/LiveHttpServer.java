package io.isostack.correlator.server;

import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveView;
import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.receiver.AllowedHosts;
import io.isostack.correlator.receiver.BearerToken;
import io.isostack.correlator.receiver.EventProducer;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.OtlpHttpReceiver;
import io.isostack.correlator.receiver.ReceiverLimits;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.receiver.RequestRefusals;
import io.isostack.correlator.receiver.TlsFiles;
import io.isostack.correlator.receiver.TransportSecurity;
import io.isostack.correlator.storage.StoredFinding;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP face of {@code correlator serve} on one port (Jetty 12 core, no servlets): the OTLP/HTTP
 * receiver and kernel-event endpoint ({@link OtlpHttpReceiver}), then the API ({@link ApiHandler}),
 * then {@code /metrics} ({@link MetricsHandler}, when given meters); anything else is 404. The
 * read-only variant, for {@code stream}, serves the API and {@code /metrics} only.
 *
 * <p>Slow clients cannot starve the others ({@link ReceiverLimits}): request headers are parsed
 * without a thread (Jetty's selector), a connection silent for the idle timeout is closed, at most
 * {@code maxConcurrentRequests} request bodies are read at once (of {@code maxConcurrentRequests +}
 * {@value #SPARE_THREADS} threads, so that {@code /healthz}, {@code /metrics} and the API always
 * find one) and a body must arrive within the read timeout of its request's start. Thread-safe.
 */
public final class LiveHttpServer implements AutoCloseable {
  /**
   * Threads beyond those reading bodies (Jetty's acceptor and selector, {@code /healthz}, {@code
   * /metrics}, the API).
   */
  static final int SPARE_THREADS = 16;

  private final Server server;
  private final ServerConnector connector;
  private ApiHandler apiHandler;

  /**
   * Creates the server of {@code serve}, with its transport security; {@link #start()} binds it.
   *
   * @param bind the address to listen on
   * @param port the port; 0 picks a free one
   * @param limits the largest request body accepted (before and after decompression), the bodies
   *     read at once and the read and idle timeouts
   * @param ingest where received data goes
   * @param engine read by the API
   * @param rejects read by {@code /api/stats}
   * @param producers read by {@code /api/stats}
   * @param api whether {@code /api/*} is served
   * @param metrics served at {@code /metrics}, or null for none
   * @param security the allowed {@code Host} names ({@link HttpGuard})
   * @param tls the key material for HTTPS (client CA: mutual TLS), or null for plain HTTP
   * @param token the bearer token requests must carry, or null
   * @param refusals where requests refused for their {@code Host}, origin or token are counted
   */
  public LiveHttpServer(
      String bind,
      int port,
      ReceiverLimits limits,
      LiveIngest ingest,
      LiveAnalyzer engine,
      RejectTally rejects,
      List<EventProducer> producers,
      boolean api,
      ServeMetrics metrics,
      TransportSecurity security,
      TlsFiles tls,
      BearerToken token,
      RequestRefusals refusals) {
    this(
        bind,
        port,
        "otlp-http",
        limits,
        metrics,
        new AllowedHosts(bind, security),
        tls,
        token,
        refusals,
        new OtlpHttpReceiver(
            ingest,
            limits.maxRequestBodyBytes(),
            engine.memory(),
            limits.maxConcurrentRequests(),
            limits.readTimeout().toNanos()),
        new ApiHandler(engine, rejects, producers, api),
        new ReportPageHandler(engine, api));
  }

  /**
   * Creates the read-only server of a live driver that takes no data over HTTP ({@code stream}):
   * {@code /healthz}, the API ({@code /api/findings}, {@code /api/stats}) and {@code /metrics},
   * behind the same {@code Host}/{@code Origin} checks, TLS and bearer token as {@code serve}'s.
   *
   * @param bind the address to listen on
   * @param port the port; 0 picks a free one
   * @param view the findings and health shown
   * @param stats the body of {@code /api/stats}, serialized by Jackson at each request
   * @param api whether {@code /api/*} is served
   * @param metrics served at {@code /metrics}, or null for none
   * @param security the allowed {@code Host} names ({@link HttpGuard})
   * @param tls the key material for HTTPS (client CA: mutual TLS), or null for plain HTTP
   * @param token the bearer token requests must carry, or null
   */
  public LiveHttpServer(
      String bind,
      int port,
      LiveView view,
      Supplier<?> stats,
      boolean api,
      ServeMetrics metrics,
      TransportSecurity security,
      TlsFiles tls,
      BearerToken token) {
    this(
        bind,
        port,
        "http",
        ReceiverLimits.DEFAULTS,
        metrics,
        new AllowedHosts(bind, security),
        tls,
        token,
        new RequestRefusals(),
        new ApiHandler(view, stats, api));
  }

  /** The read-only server without TLS or token ({@link TransportSecurity#NONE}). */
  public LiveHttpServer(
      String bind, int port, LiveView view, Supplier<?> stats, boolean api, ServeMetrics metrics) {
    this(bind, port, view, stats, api, metrics, TransportSecurity.NONE, null, null);
  }

  private LiveHttpServer(
      String bind,
      int port,
      String threadName,
      ReceiverLimits limits,
      ServeMetrics metrics,
      AllowedHosts hosts,
      TlsFiles tls,
      BearerToken token,
      RequestRefusals refusals,
      Handler... first) {
    for (Handler h : first) {
      if (h instanceof ApiHandler a) {
        apiHandler = a;
      }
    }
    QueuedThreadPool threads =
        new QueuedThreadPool(limits.maxConcurrentRequests() + SPARE_THREADS, 2);
    threads.setName(threadName);
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false); // no "Server: Jetty(12...)" to fingerprint
    config.setSendXPoweredBy(false);
    if (tls == null) {
      connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    } else {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(tls.sslContext()); // the managers reload their PEM files themselves
      ssl.setNeedClientAuth(tls.trustManager() != null);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false); // the Host check is HttpGuard's
      config.addCustomizer(secure);
      connector =
          new ServerConnector(
              server,
              1,
              1,
              new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
              new HttpConnectionFactory(config));
    }
    connector.setHost(bind);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    server.addConnector(connector);
    Handler.Sequence handlers = new Handler.Sequence(first);
    if (metrics != null) {
      handlers.addHandler(new MetricsHandler(metrics));
    }
    server.setHandler(new HttpGuard(handlers, hosts, token, refusals));
    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    errors.setShowCauses(false);
    errors.setShowMessageInTitle(false);
    server.setErrorHandler(errors);
    server.setStopTimeout(500);
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException if the port cannot be bound (or Jetty fails to start)
   */
  public void start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly();
      throw e;
    } catch (Exception e) {
      stopQuietly();
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Shows at {@code /api/findings}, after this run's findings, those published before a restart
   * ({@code serve --storage}).
   */
  void restoredFindings(List<StoredFinding> before) {
    if (apiHandler != null) {
      apiHandler.restoredFindings(before);
    }
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops serving. */
  @Override
  public void close() {
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping anyway
    }
  }
}
