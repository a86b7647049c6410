package io.inferencia.edge.kserve;

import com.fasterxml.jackson.annotation.JsonProperty;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.inferencia.edge.shm.RegionStatus;
import io.inferencia.edge.shm.SharedMemoryRegions;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Triton's shared-memory extension over REST: {@code /v2/systemsharedmemory[/region/{name}]/status},
 * {@code .../region/{name}/register} and {@code [/region/{name}]/unregister}, and the CUDA variants,
 * which report no regions and refuse registration (this server has no CUDA IPC).
 */
final class SharedMemoryRoutes extends AllDirectives {
  /** Reads the request body within the edge's limit and answers with the handler's response. */
  interface BodyRoute extends Function<Function<byte[], CompletionStage<HttpResponse>>, Route> {}

  private final SharedMemoryRegions regions;
  private final BodyRoute readBody;

  SharedMemoryRoutes(SharedMemoryRegions regions, BodyRoute readBody) {
    this.regions = regions;
    this.readBody = readBody;
  }

  Route route() {
    return concat(
        pathPrefix("systemsharedmemory", () -> concat(
            path("status", () -> get(() -> answer(() -> statusJson(regions.status(""))))),
            path("unregister", () -> post(() -> unregister(""))),
            pathPrefix("region", () -> pathPrefix(segment(), name -> concat(
                path("status", () -> get(() -> answer(() -> statusJson(regions.status(name))))),
                path("register", () -> post(() -> register(name))),
                path("unregister", () -> post(() -> unregister(name)))))))),
        pathPrefix("cudasharedmemory", () -> concat(
            path("status", () -> get(() -> answer(() -> KServeRoutes.json(List.of())))),
            path("unregister", () -> post(() -> answer(KServeRoutes::emptyOk))),
            pathPrefix("region", () -> pathPrefix(segment(), name -> concat(
                path("status", () -> get(() -> answer(() -> {
                  throw new InferenceException(ErrorKind.NOT_FOUND, "no CUDA shared memory region '" + name + "' is registered");
                }))),
                path("register", () -> post(() -> answer(() -> {
                  throw InferenceException.invalid("CUDA shared memory is not supported by this server; use system shared memory");
                }))),
                path("unregister", () -> post(() -> answer(KServeRoutes::emptyOk)))))))));
  }

  /** {"key": "/name", "offset": n, "byte_size": n}. */
  private Route register(String name) {
    return readBody.apply(body -> {
      ControlBodies.RegisterRequest req = ControlBodies.read(body, ControlBodies.RegisterRequest.class, "register request");
      return regions.register(name, req.key(), req.offset(), req.byteSize()).thenApply(v -> KServeRoutes.emptyOk());
    });
  }

  private Route unregister(String name) {
    return readBody.apply(body -> {
      regions.unregister(name);
      return CompletableFuture.completedFuture(KServeRoutes.emptyOk());
    });
  }

  private Route answer(java.util.function.Supplier<HttpResponse> render) {
    HttpResponse response;
    try {
      response = render.get();
    } catch (RuntimeException e) {
      response = RestErrors.response(e);
    }
    return complete(response);
  }

  /** Triton's region status entry. */
  record RegionJson(String name, String key, long offset, @JsonProperty("byte_size") long byteSize) {}

  private static HttpResponse statusJson(List<RegionStatus> regions) {
    return KServeRoutes.json(regions.stream().map(r -> new RegionJson(r.name(), r.key(), r.offset(), r.byteSize())).toList());
  }
}
