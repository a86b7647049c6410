package io.inferencia.node.conformance;

import static io.inferencia.node.conformance.RealModelEndpointsTest.get;
import static io.inferencia.node.conformance.RealModelEndpointsTest.grpcFailure;
import static io.inferencia.node.conformance.RealModelErrorsTest.assertError;
import static io.inferencia.node.conformance.RealModelErrorsTest.assertGrpc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.InferResult;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.gpu.testkit.TinyOnnx;
import io.inferencia.protocols.grpc.InferParameter;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sequence model (Triton's sequence_batching) driven as Triton clients drive one: the sequence_id,
 * sequence_start and sequence_end request parameters over REST and gRPC, one sequence crossing both.
 */
class RealModelSequenceTest {
  private static RealModelServer server;
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    Path repo = Files.createTempDirectory("sequence-repo");
    TestModels.addModel(repo, "acc", TinyOnnx.accumulatorConfig(5_000_000), null);
    TinyOnnx.accumulator().write(repo.resolve("acc/1/model.onnx"));
    server = RealModelServer.start(repo, Map.of("acc", "READY"), ConfigFactory.empty());
    rest = server.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void aSequenceStartedOverRestContinuesOverGrpcAndEnds() throws Exception {
    InferResult first = InferResult.of(ok(rest.post("/v2/models/acc/infer", InferBody.builder()
        .input("X", "FP32", new long[] {1, 1}, 2f)
        .parameter("sequence_id", 4711).parameter("sequence_start", true).build())));
    assertEquals(2f, first.floats("Y")[0]);
    assertEquals("[4711]", first.output("CORRID_SEEN").path("data").toString());

    ModelInferResponse second = get(server.grpc.modelInfer(sequenceStep(5f, false)));
    assertEquals(7f, Raw.floats(GrpcInfer.rawOutput(second, "Y"))[0]);
    assertTrue(second.getOutputsList().stream().noneMatch(o -> o.getName().equals("STATE_OUT")), "the state stays with the server");

    ModelInferResponse last = get(server.grpc.modelInfer(sequenceStep(1f, true)));
    assertEquals(8f, Raw.floats(GrpcInfer.rawOutput(last, "Y"))[0]);
    assertGrpc(Status.Code.INVALID_ARGUMENT, "must specify the START flag",
        grpcFailure(server.grpc.modelInfer(sequenceStep(1f, false))));
  }

  @Test
  void restRequestsWithoutASequenceAreRefusedNamingTheParameter() {
    assertError(400, "correlation ID (parameter sequence_id)", rest.post("/v2/models/acc/infer",
        InferBody.builder().input("X", "FP32", new long[] {1, 1}, 1f).build()));
    assertError(400, "must specify the START flag", rest.post("/v2/models/acc/infer",
        InferBody.builder().input("X", "FP32", new long[] {1, 1}, 1f).parameter("sequence_id", 99).build()));
  }

  private static ModelInferRequest sequenceStep(float x, boolean end) {
    ModelInferRequest.Builder req = GrpcInfer.request("acc", "");
    GrpcInfer.addRaw(req, "X", "FP32", new long[] {1, 1}, Raw.floats(new float[] {x}));
    req.putParameters("sequence_id", InferParameter.newBuilder().setUint64Param(4711).build());
    if (end) req.putParameters("sequence_end", InferParameter.newBuilder().setBoolParam(true).build());
    return req.build();
  }

  private static RestClient.Response ok(RestClient.Response r) {
    assertEquals(200, r.status(), () -> new String(r.body()));
    return r;
  }
}
