package io.inferencia.edge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.edge.BodyReader;
import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;
import io.inferencia.protocols.json.JsonMappers;

/** Shared pieces of the {@code /v1} routes: the caller's tenant, small JSON bodies, JSON replies, problems. */
public abstract class ApiRoutes extends AllDirectives {
  protected static final ObjectMapper MAPPER = JsonMappers.shared();
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
            return problem(ApiProblem.badRequest("invalid-json", "the body is not valid JSON: " + e.getMessage()));
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

  /** Completes with the stage's JSON (with {@code status}) or its problem. */
  protected Route replyJson(CompletionStage<? extends JsonNode> stage, StatusCode status) {
    return onComplete(stage, result -> result.isSuccess()
        ? complete(json(status, result.get()))
        : problem(Problems.classify(result.failed().get())));
  }

  protected static HttpResponse json(StatusCode status, JsonNode body) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, ByteString.fromArray(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
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
