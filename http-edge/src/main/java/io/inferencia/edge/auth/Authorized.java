package io.inferencia.edge.auth;

import io.inferencia.edge.api.Problems;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The REST side of {@link Authenticator}: runs the inner route for a caller with the role, else a 401/403 problem. */
public final class Authorized extends AllDirectives {
  private final Authenticator auth;

  public Authorized(Authenticator auth) {
    this.auth = auth;
  }

  public Authenticator authenticator() {
    return auth;
  }

  public Route as(Role role, Function<Principal, Route> inner) {
    return optionalHeaderValueByName("Authorization", authorization -> optionalHeaderValueByName("X-Api-Key", key ->
        onComplete(auth.authorize(authorization, key, role), result -> result.isSuccess()
            ? inner.apply(result.get())
            : extractUri(uri -> complete(Problems.response(Problems.classify(result.failed().get()), uri.path()))))));
  }

  public Route as(Role role, Supplier<Route> inner) {
    return as(role, principal -> inner.get());
  }

  public Route as(Role role, Route inner) {
    return as(role, principal -> inner);
  }
}
