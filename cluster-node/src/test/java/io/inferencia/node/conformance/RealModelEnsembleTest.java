package io.inferencia.node.conformance;

import static io.inferencia.node.conformance.RealModelEndpointsTest.get;
import static io.inferencia.node.conformance.RealModelEndpointsTest.grpcFailure;
import static io.inferencia.node.conformance.RealModelErrorsTest.assertError;
import static io.inferencia.node.conformance.RealModelErrorsTest.assertGrpc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.InferResult;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Triton ensemble over the shipped classifier and recogniser, called as stock clients call it. */
class RealModelEnsembleTest {
  private static final String CLS_OUT = "softmax_0.tmp_0";
  private static final String REC_OUT = "softmax_11.tmp_0";
  private static final long[] LINES = {2, 3, 48, 192};
  /** One call reads a line crop's orientation and its characters: both steps take the same tensor. */
  private static final String LINE_READ = """
      platform: "ensemble"
      max_batch_size: 8
      input [ { name: "LINE" data_type: TYPE_FP32 dims: [ 3, 48, 192 ] } ]
      output [ { name: "ANGLE" data_type: TYPE_FP32 dims: [ 2 ] },
               { name: "CHARS" data_type: TYPE_FP32 dims: [ -1, 6625 ] } ]
      ensemble_scheduling { step [
        { model_name: "ocr_cls" model_version: -1
          input_map { key: "x" value: "LINE" } output_map { key: "softmax_0.tmp_0" value: "ANGLE" } },
        { model_name: "ocr_rec" model_version: 1
          input_map { key: "x" value: "LINE" } output_map { key: "softmax_11.tmp_0" value: "CHARS" } }
      ] }
      """;
  private static RealModelServer server;
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    Path repo = Files.createTempDirectory("ensemble-repo");
    TestModels.addShipped(repo, "ocr_cls");
    TestModels.addShipped(repo, "ocr_rec");
    TestModels.addModel(repo, "line_read", LINE_READ, null);
    server = RealModelServer.start(repo, Map.of("ocr_cls", "READY", "ocr_rec", "READY", "line_read", "READY"),
        ConfigFactory.empty());
    rest = server.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void restAndGrpcAnswerWhatTheStepModelsAnswerAlone() throws Exception {
    float[] lines = Samples.clsInput(2, 11);
    InferResult ensemble = InferResult.of(ok(rest.post("/v2/models/line_read/infer",
        InferBody.builder().binaryInput("LINE", "FP32", LINES, Raw.floats(lines)).output("ANGLE", true).output("CHARS", true).build())));
    float[] cls = InferResult.of(ok(rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().binaryInput("x", "FP32", LINES, Raw.floats(lines)).build()))).floats(CLS_OUT);
    float[] rec = InferResult.of(ok(rest.post("/v2/models/ocr_rec/infer",
        InferBody.builder().binaryInput("x", "FP32", LINES, Raw.floats(lines)).build()))).floats(REC_OUT);
    assertArrayEquals(cls, ensemble.floats("ANGLE"), 1e-4f);
    assertArrayEquals(rec, ensemble.floats("CHARS"), 1e-4f);

    ModelInferResponse grpc = get(server.grpc.modelInfer(
        GrpcInfer.addRaw(GrpcInfer.request("line_read", ""), "LINE", "FP32", LINES, Raw.floats(lines)).build()));
    assertEquals("line_read", grpc.getModelName());
    assertEquals(List.of(2L, 2L), grpc.getOutputs(0).getShapeList());
    assertArrayEquals(cls, Raw.floats(GrpcInfer.rawOutput(grpc, "ANGLE")), 1e-4f);
    assertArrayEquals(rec, Raw.floats(GrpcInfer.rawOutput(grpc, "CHARS")), 1e-4f);
  }

  @Test
  void metadataNamesThePlatformAndTheEnsemblesOwnTensors() {
    RestClient.Response r = rest.get("/v2/models/line_read");
    assertEquals(200, r.status());
    assertEquals("ensemble", r.json().path("platform").asText());
    assertEquals("{\"name\":\"LINE\",\"datatype\":\"FP32\",\"shape\":[-1,3,48,192]}", r.json().path("inputs").get(0).toString());
  }

  @Test
  void anUnloadedStepModelMakesTheEnsembleAnswer503UntilItIsBack() throws Exception {
    float[] line = Samples.clsInput(1, 3);
    InferBody body = InferBody.builder().binaryInput("LINE", "FP32", new long[] {1, 3, 48, 192}, Raw.floats(line)).build();
    try {
      assertEquals(200, rest.post("/v2/repository/models/ocr_rec/unload", "{}").status());
      assertError(503, "ensemble 'line_read' step model 'ocr_rec'", rest.post("/v2/models/line_read/infer", body));
      assertGrpc(Status.Code.UNAVAILABLE, "step model 'ocr_rec'", grpcFailure(server.grpc.modelInfer(
          GrpcInfer.addRaw(GrpcInfer.request("line_read", ""), "LINE", "FP32", new long[] {1, 3, 48, 192}, Raw.floats(line)).build())));
    } finally {
      assertEquals(200, rest.post("/v2/repository/models/ocr_rec/load", "{}").status());
    }
    ok(rest.post("/v2/models/line_read/infer", body));
  }

  @Test
  void wrongInputsAreRefusedByTheEnsembleBeforeAnyStepRuns() {
    InferBody body = InferBody.builder().binaryInput("x", "FP32", new long[] {1, 3, 48, 192}, Raw.floats(Samples.clsInput(1, 4))).build();
    assertError(400, "unexpected input 'x' for model 'line_read'", rest.post("/v2/models/line_read/infer", body));
  }

  private static RestClient.Response ok(RestClient.Response r) {
    assertEquals(200, r.status(), () -> new String(r.body()));
    return r;
  }
}
