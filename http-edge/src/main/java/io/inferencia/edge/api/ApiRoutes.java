package io.inferencia.edge.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.edge.BodyReader;
import java.io.IOException;
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
  protected final Tenants tenants;

  protected ApiRoutes(Tenants tenants) {
    this.tenants = tenants;
  }

  protected Route withTenant(Function<String, Route> inner) {
    return optionalHeaderValueByName("Authorization", auth -> optionalHeaderValueByName("X-Api-Key", key -> {
      try {
        return inner.apply(tenants.resolve(auth, key));
      } catch (ApiProblem p) {
        return problem(p);
      }
    }));
  }

  protected Route withJsonBody(Function<JsonNode, Route> inner) {
    return extractRequestEntity(entity -> extractMaterializer(mat -> onComplete(
        BodyReader.read(entity, MAX_BODY, mat), bytes -> {
          if (bytes.isFailure()) return problem(ApiProblem.tooLarge("body-too-large", "request bodies are limited to 1 MiB"));
          try {
            JsonNode node = MAPPER.readTree(bytes.get().toArray());
            if (node == null || !node.isObject()) throw ApiProblem.badRequest("invalid-json", "the body must be a JSON object");
            return inner.apply(node);
          } catch (IOException e) {
            return problem(invalidJson(e));
          } catch (ApiProblem p) {
            return problem(p);
          }
        })));
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

  /**
   * A parse failure said plainly: where the JSON broke, never the parser's own message (it names
   * internal classes and echoes token details).
   */
  public static ApiProblem invalidJson(IOException e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
      JsonLocation at = j.getLocation();
      return ApiProblem.badRequest("invalid-json",
          "the body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }
    return ApiProblem.badRequest("invalid-json", "the body is not valid JSON");
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

  protected static String requiredText(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual() || n.asText().isBlank())
      throw ApiProblem.badRequest("invalid-request", "'" + field + "' is required and must be a non-empty string");
    return n.asText();
  }
}
