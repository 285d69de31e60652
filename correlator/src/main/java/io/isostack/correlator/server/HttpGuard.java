package io.isostack.correlator.server;

import io.isostack.correlator.receiver.AllowedHosts;
import io.isostack.correlator.receiver.BearerToken;
import io.isostack.correlator.receiver.HttpResponses;
import io.isostack.correlator.receiver.RequestRefusals;
import java.net.URI;
import java.net.URISyntaxException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What every HTTP request passes before a handler sees it, so that a browser page cannot use the
 * server and a network client must authenticate:
 *
 * <ol>
 *   <li>{@code Host}: an {@link AllowedHosts} name, else 421 (DNS rebinding: a page on {@code
 *       evil.example} that resolves to 127.0.0.1 sends {@code Host: evil.example}). A request
 *       without {@code Host} (HTTP/1.0) is no browser's and passes.
 *   <li>{@code Origin}: when present it must be the request's own origin (scheme, {@code Host}),
 *       and {@code Sec-Fetch-Site} must not be {@code cross-site} or {@code same-site}; otherwise
 *       403. Write endpoints also accept only non-simple content types (see {@code
 *       OtlpHttpReceiver}), so a cross-origin form or {@code fetch} cannot POST without a CORS
 *       preflight, which this server never grants.
 *   <li>The bearer token, when configured: every path but {@code /healthz} (liveness, no data)
 *       needs {@code Authorization: Bearer TOKEN}; 401 with {@code WWW-Authenticate: Bearer}
 *       otherwise.
 * </ol>
 *
 * <p>Every response carries {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy:
 * no-referrer}, {@code X-Frame-Options: DENY} and {@code Cache-Control: no-store}. Each refusal is
 * counted by reason ({@link RequestRefusals}). Thread-safe.
 */
final class HttpGuard extends Handler.Wrapper {
  private static final String HEALTHZ = "/healthz";

  private final AllowedHosts hosts;
  private final BearerToken token;
  private final RequestRefusals refusals;

  /**
   * @param next the handlers behind the guard
   * @param hosts the {@code Host} names served
   * @param token the bearer token, or null for none
   * @param refusals where refused requests are counted
   */
  HttpGuard(Handler next, AllowedHosts hosts, BearerToken token, RequestRefusals refusals) {
    super(next);
    this.hosts = hosts;
    this.token = token;
    this.refusals = refusals;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    response.getHeaders().put("X-Frame-Options", "DENY");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (!hosts.allows(host)) {
      refusals.refused(RequestRefusals.Reason.WRONG_HOST);
      HttpResponses.text(
          response,
          callback,
          421,
          "Host " + AllowedHosts.printable(host) + " is not served here (serve --allowed-host)");
      return true;
    }
    if (!sameOrigin(request, host)) {
      refusals.refused(RequestRefusals.Reason.CROSS_ORIGIN);
      HttpResponses.text(response, callback, 403, "cross-origin requests are refused");
      return true;
    }
    if (token != null
        && !HEALTHZ.equals(Request.getPathInContext(request))
        && !token.matches(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
      refusals.refused(RequestRefusals.Reason.UNAUTHENTICATED);
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"isostack\"");
      HttpResponses.text(response, callback, 401, "missing or wrong bearer token");
      return true;
    }
    return super.handle(request, response, callback);
  }

  private static boolean sameOrigin(Request request, String host) {
    HttpField site = request.getHeaders().getField("Sec-Fetch-Site");
    if (site != null
        && (site.getValue().equalsIgnoreCase("cross-site")
            || site.getValue().equalsIgnoreCase("same-site"))) {
      return false;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      return true;
    }
    if (host == null) {
      return false;
    }
    try {
      URI o = new URI(origin);
      String scheme = request.isSecure() ? "https" : "http";
      if (!scheme.equalsIgnoreCase(o.getScheme()) || o.getRawAuthority() == null) {
        return false;
      }
      return withPort(o.getRawAuthority(), scheme).equalsIgnoreCase(withPort(host, scheme));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code host[:port]} with the scheme's default port made explicit. */
  private static String withPort(String authority, String scheme) {
    int close = authority.lastIndexOf(']');
    int colon = authority.lastIndexOf(':');
    if (colon > close) {
      return authority;
    }
    return authority + (scheme.equals("https") ? ":443" : ":80");
  }
}
