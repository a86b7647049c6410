package io.inferencia.edge.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.edge.BodyReader;
import io.inferencia.edge.auth.Authorized;
import io.inferencia.edge.auth.Role;
import io.inferencia.edge.json.BodyRejected;
import io.inferencia.edge.json.StrictJson;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import io.inferencia.protocols.json.JsonMappers;

/** Shared pieces of the {@code /v1} routes: the caller's tenant, small JSON bodies, JSON replies, problems. */
public abstract class ApiRoutes extends AllDirectives {
  protected static final ObjectMapper MAPPER = JsonMappers.shared();
  private static final Marshaller<Object, RequestEntity> JSON = Jackson.marshaller(MAPPER);
  /** Control-plane bodies are small; anything bigger is a mistake (and is answered 413). */
  private static final long MAX_BODY = 1024 * 1024;
  protected final Authorized auth;

  protected ApiRoutes(Authorized auth) {
    this.auth = auth;
  }

  /** The caller's tenant, for a caller with the {@code jobs} role (401/403 problem otherwise). */
  protected Route withTenant(Function<String, Route> inner) {
    return auth.as(Role.JOBS, principal -> guarded(() -> inner.apply(principal.tenantOrFail())));
  }

  /**
   * Reads the body and binds it to {@code type} strictly (see {@link StrictJson}); a body that does not
   * bind answers 400 with the problem type {@code problemType} gives for the field at fault (null: the
   * body as a whole), or {@code invalid-json} when it is not JSON.
   */
  protected <T> Route withBody(Class<T> type, Function<String, String> problemType, Function<T, Route> inner) {
    return withBytes(bytes -> inner.apply(bind(bytes, type, problemType)));
  }

  /** Binds a body as {@link #withBody} does; a record's own refusal (an {@link ApiProblem}) passes through. */
  protected static <T> T bind(byte[] body, Class<T> type, Function<String, String> problemType) {
    try {
      return StrictJson.read(body, type);
    } catch (BodyRejected r) {
      String problem = r.kind() == BodyRejected.Kind.SYNTAX ? "invalid-json" : problemType.apply(r.field());
      throw ApiProblem.badRequest(problem, r.getMessage());
    }
  }

  protected Route withBytes(Function<byte[], Route> inner) {
    return extractRequestEntity(entity -> extractMaterializer(mat -> onComplete(
        BodyReader.read(entity, MAX_BODY, mat), bytes -> bytes.isFailure()
            ? problem(ApiProblem.tooLarge("body-too-large", "request bodies are limited to 1 MiB"))
            : guarded(() -> inner.apply(bytes.get().toArray())))));
  }

  /** Completes with the stage's record as JSON (with {@code status}) or its problem. */
  protected Route replyJson(CompletionStage<?> stage, StatusCode status) {
    return onComplete(stage, result -> result.isSuccess()
        ? json(status, result.get())
        : problem(Problems.classify(result.failed().get())));
  }

  /** A record (or list of records) as {@code application/json}, marshalled by the shared mapper. */
  protected Route json(StatusCode status, Object body) {
    return complete(status, body, JSON);
  }

  protected Route problem(ApiProblem p) {
    return extractUri(uri -> complete(Problems.response(p, uri.path())));
  }

  /** Runs a route builder that may throw an ApiProblem while validating. */
  protected Route guarded(java.util.function.Supplier<Route> inner) {
    try {
      return inner.get();
    } catch (ApiProblem p) {
      return problem(p);
    }
  }
}
