package io.isostack.correlator.server;

import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveView;
import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.receiver.BearerToken;
import io.isostack.correlator.receiver.EventProducer;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.OtlpHttpReceiver;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.receiver.TlsFiles;
import io.isostack.correlator.receiver.TransportSecurity;
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
 * <p>Slow clients cannot starve the others: request headers are parsed without a thread (Jetty's
 * selector), a connection silent for {@value #IDLE_TIMEOUT_MILLIS} ms is closed, at most {@value
 * #MAX_CONCURRENT_BODIES} request bodies are read at once (of {@value #THREADS} threads, so that
 * {@code /healthz}, {@code /metrics} and the API always find one) and a body must arrive within
 * {@value #READ_TIMEOUT_MILLIS} ms of its request's start. Thread-safe.
 */
public final class LiveHttpServer implements AutoCloseable {
  /** Threads serving requests (Jetty's pool, including its acceptor and selector). */
  static final int THREADS = 32;

  /** Request bodies read at once; more are answered 429 with {@code Retry-After}. */
  static final int MAX_CONCURRENT_BODIES = 16;

  /** A connection that sends nothing for this long is closed, milliseconds. */
  static final long IDLE_TIMEOUT_MILLIS = 10_000;

  /** The longest a request body may take to arrive, milliseconds (408 after). */
  static final long READ_TIMEOUT_MILLIS = 20_000;

  private final Server server;
  private final ServerConnector connector;

  /**
   * Creates the server of {@code serve}, with its transport security; {@link #start()} binds it.
   *
   * @param bind the address to listen on
   * @param port the port; 0 picks a free one
   * @param maxBodyBytes the largest request body accepted, before and after decompression
   * @param ingest where received data goes
   * @param engine read by the API
   * @param rejects read by {@code /api/stats}
   * @param producers read by {@code /api/stats}
   * @param api whether {@code /api/*} is served
   * @param metrics served at {@code /metrics}, or null for none
   * @param security the allowed {@code Host} names ({@link HttpGuard})
   * @param tls the key material for HTTPS (client CA: mutual TLS), or null for plain HTTP
   * @param token the bearer token requests must carry, or null
   */
  public LiveHttpServer(
      String bind,
      int port,
      long maxBodyBytes,
      LiveIngest ingest,
      LiveAnalyzer engine,
      RejectTally rejects,
      List<EventProducer> producers,
      boolean api,
      ServeMetrics metrics,
      TransportSecurity security,
      TlsFiles tls,
      BearerToken token) {
    this(
        bind,
        port,
        "otlp-http",
        metrics,
        security,
        tls,
        token,
        new OtlpHttpReceiver(
            ingest,
            maxBodyBytes,
            engine.memory(),
            MAX_CONCURRENT_BODIES,
            READ_TIMEOUT_MILLIS * 1_000_000L),
        new ApiHandler(engine, rejects, producers, api),
        new ReportPageHandler(engine, api));
  }

  /**
   * Creates the read-only server of a live driver that takes no data over HTTP ({@code stream}):
   * {@code /healthz}, the API ({@code /api/findings}, {@code /api/stats}) and {@code /metrics},
   * behind the same {@code Host}/{@code Origin} checks as {@code serve}'s.
   *
   * @param bind the address to listen on
   * @param port the port; 0 picks a free one
   * @param view the findings and health shown
   * @param stats the body of {@code /api/stats}, serialized by Jackson at each request
   * @param api whether {@code /api/*} is served
   * @param metrics served at {@code /metrics}, or null for none
   */
  public LiveHttpServer(
      String bind, int port, LiveView view, Supplier<?> stats, boolean api, ServeMetrics metrics) {
    this(
        bind,
        port,
        "http",
        metrics,
        TransportSecurity.NONE,
        null,
        null,
        new ApiHandler(view, stats, api));
  }

  private LiveHttpServer(
      String bind,
      int port,
      String threadName,
      ServeMetrics metrics,
      TransportSecurity security,
      TlsFiles tls,
      BearerToken token,
      Handler... first) {
    QueuedThreadPool threads = new QueuedThreadPool(THREADS, 2);
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
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    server.addConnector(connector);
    Handler.Sequence handlers = new Handler.Sequence(first);
    if (metrics != null) {
      handlers.addHandler(new MetricsHandler(metrics));
    }
    server.setHandler(new HttpGuard(handlers, bind, security, token));
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
