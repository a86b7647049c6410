package io.inferencia.edge.web;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web page, from the classpath's {@code web/} folder (the web module's jar): {@code /} is its
 * {@code index.html}, always revalidated so a new build is picked up at once; {@code /assets/...} are the
 * build's content-hashed files, cached for a year. The page routes by URL fragment, so no other path is
 * the page's. A node built without the page answers 404 at {@code /}.
 */
public final class WebRoutes extends AllDirectives {
  static final String ROOT = "web";
  /** Only this origin's scripts and styles; storage (another origin) is reached for uploads, downloads and playback. */
  private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data: blob: http: https:; media-src 'self' blob: http: https:; connect-src 'self' http: https:; "
      + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final List<HttpHeader> pageHeaders = List.of(
      RawHeader.create("Cache-Control", "no-cache"),
      RawHeader.create("Content-Security-Policy", POLICY),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"));
  private final List<HttpHeader> assetHeaders = List.of(
      RawHeader.create("Cache-Control", "public, max-age=31536000, immutable"),
      RawHeader.create("X-Content-Type-Options", "nosniff"));

  public Route route() {
    return get(() -> concat(
        pathSingleSlash(() -> respondWithHeaders(pageHeaders, () -> getFromResource(ROOT + "/index.html"))),
        pathPrefix("assets", () -> respondWithHeaders(assetHeaders, () -> getFromResourceDirectory(ROOT + "/assets")))));
  }
}
