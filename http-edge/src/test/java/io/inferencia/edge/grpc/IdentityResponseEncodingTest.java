package io.inferencia.edge.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

class IdentityResponseEncodingTest {
  @Test
  void hidesTheClientsAcceptedEncodingsFromTheService() throws Exception {
    AtomicReference<HttpRequest> seen = new AtomicReference<>();
    var wrapped = IdentityResponseEncoding.wrap(req -> {
      seen.set(req);
      return CompletableFuture.completedFuture(HttpResponse.create());
    });
    HttpRequest request = HttpRequest.POST("/inference.GRPCInferenceService/ModelInfer")
        .addHeader(RawHeader.create("grpc-accept-encoding", "gzip"))
        .addHeader(RawHeader.create("te", "trailers"));
    wrapped.apply(request).toCompletableFuture().get();
    assertTrue(seen.get().getHeader("grpc-accept-encoding").isEmpty(), "gzip no longer offered");
    assertEquals("trailers", seen.get().getHeader("te").orElseThrow().value(), "other headers kept");
  }
}
