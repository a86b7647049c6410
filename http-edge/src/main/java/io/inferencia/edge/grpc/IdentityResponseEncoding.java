package io.inferencia.edge.grpc;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;

/**
 * Stock gRPC clients advertise {@code grpc-accept-encoding: gzip}, and Pekko gRPC then gzips every
 * response. Tensors are mostly incompressible floats: gzipping ocr_rec's 1 MiB logits cost ~40 ms per
 * call, three times the inference. Hiding the header makes the server answer uncompressed, as Triton does.
 */
public final class IdentityResponseEncoding {
  private static final String ACCEPT_ENCODING = "grpc-accept-encoding";

  private IdentityResponseEncoding() {}

  public static Function<HttpRequest, CompletionStage<HttpResponse>> wrap(
      Function<HttpRequest, CompletionStage<HttpResponse>> service) {
    return request -> service.apply(request.getHeader(ACCEPT_ENCODING).isPresent()
        ? request.removeHeader(ACCEPT_ENCODING)
        : request);
  }
}
