package io.inferencia.edge.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {
  @Test
  void everyKindHasOneHttpAndOneGrpcStatus() {
    Map<ErrorKind, Integer> http = Map.of(
        ErrorKind.NOT_FOUND, 404, ErrorKind.INVALID_ARGUMENT, 400, ErrorKind.UNAVAILABLE, 503,
        ErrorKind.RESOURCE_EXHAUSTED, 429, ErrorKind.DEADLINE_EXCEEDED, 504, ErrorKind.ALREADY_EXISTS, 409,
        ErrorKind.PERMISSION_DENIED, 403, ErrorKind.INTERNAL, 500);
    for (ErrorKind kind : ErrorKind.values()) {
      assertEquals(http.get(kind), ErrorMapping.httpStatus(kind).intValue(), kind.name());
      assertEquals(kind.name(), ErrorMapping.grpcStatus(kind).getCode().name());
    }
  }

  @Test
  void classifyUnwrapsFutureWrappers() {
    var wrapped = new CompletionException(new ExecutionException(InferenceException.notFound("no such model")));
    var f = ErrorMapping.classify(wrapped);
    assertEquals(ErrorKind.NOT_FOUND, f.kind());
    assertEquals("no such model", f.message());
    assertEquals(ErrorKind.DEADLINE_EXCEEDED, ErrorMapping.classify(new CompletionException(new TimeoutException())).kind());
    assertEquals(ErrorKind.INTERNAL, ErrorMapping.classify(new IllegalStateException("boom")).kind());
  }

  @Test
  void tooLargeIsResourceExhaustedAnd413() {
    var e = new RequestTooLargeException(2000, 1000);
    assertTrue(ErrorMapping.isTooLarge(new CompletionException(e)));
    assertEquals(ErrorKind.RESOURCE_EXHAUSTED, ErrorMapping.classify(e).kind());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, ErrorMapping.toGrpc(e).getStatus().getCode());
    assertEquals("request of at least 2000 bytes exceeds the limit of 1000 bytes", e.getMessage());
  }

  @Test
  void messagesNameNoInternalClassesNorSourcePaths() {
    assertEquals("load parameter 'config' is not a model config in JSON: Unterminated object at line 1",
        ErrorMapping.classify(io.inferencia.protocols.inference.InferenceException.invalid(
            "load parameter 'config' is not a model config in JSON: com.google.gson.stream.MalformedJsonException: "
                + "Unterminated object at line 1")).message());
    assertEquals("malformed JSON: Unexpected end-of-input",
        ErrorMapping.classify(io.inferencia.protocols.inference.InferenceException.invalid(
            "malformed JSON: MalformedJsonException: Unexpected end-of-input")).message());
    assertEquals("inference failed for model 'ocr_det': Non-zero status code returned while running Conv node. Status Message",
        ErrorMapping.classify(new IllegalStateException("inference failed for model 'ocr_det': Non-zero status code "
            + "returned while running Conv node. Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/nn/conv.cc:83 "
            + "onnxruntime::Conv<float>::Compute X num_dims does not match W num_dims")).message());
    assertEquals("the request failed inside the server", ErrorMapping.classify(new NullPointerException()).message());
    assertEquals("boom", ErrorMapping.classify(new RuntimeException(new java.io.IOException("java.io.IOException: boom"))).message());
  }
}
