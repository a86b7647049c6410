package io.inferencia.node.conformance;

import static io.inferencia.node.conformance.RealModelEndpointsTest.grpcFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.pekko.grpc.GrpcServiceException;
import org.junit.jupiter.api.Test;

/** Client errors against the shipped models: exact statuses and messages that say what is wrong. */
class RealModelErrorsTest extends ShippedModelsTest {
  private static final long[] ONE_CROP = {1, 3, 48, 192};

  @Test
  void unknownModelIsNotFound() {
    RestClient.Response r = rest.post("/v2/models/no_such_model/infer",
        InferBody.builder().input("x", "FP32", new long[] {1}, 1f).build());
    assertError(404, "no_such_model", r);
    assertError(404, "no_such_model", rest.get("/v2/models/no_such_model"));
    GrpcServiceException e = grpcFailure(server.grpc.modelInfer(GrpcInfer.addRaw(GrpcInfer.request("no_such_model", ""),
        "x", "FP32", new long[] {1}, Raw.floats(1f)).build()));
    assertGrpc(Status.Code.NOT_FOUND, "no_such_model", e);
    assertGrpc(Status.Code.NOT_FOUND, "no_such_model",
        grpcFailure(server.grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName("no_such_model").build())));
  }

  @Test
  void unknownVersionIsNotFound() {
    assertError(404, "7", rest.get("/v2/models/ocr_cls/versions/7"));
    assertError(404, "7", rest.post("/v2/models/ocr_cls/versions/7/infer", cls(ONE_CROP, Samples.clsInput(1, 1))));
    assertGrpc(Status.Code.NOT_FOUND, "7", grpcFailure(server.grpc.modelInfer(GrpcInfer.addRaw(
        GrpcInfer.request("ocr_cls", "7"), "x", "FP32", ONE_CROP, Raw.floats(Samples.clsInput(1, 1))).build())));
  }

  @Test
  void wrongInputNameNamesTheTensorAndTheExpectedName() {
    RestClient.Response r = rest.post("/v2/models/ocr_cls/infer", InferBody.builder()
        .binaryInput("image", "FP32", ONE_CROP, Raw.floats(Samples.clsInput(1, 1))).build());
    assertError(400, "'image'", r);
    assertTrue(r.error().contains("[x]"), r.error());
  }

  @Test
  void wrongShapeNamesExpectedAndActual() {
    long[] shape = {1, 3, 48, 100};
    RestClient.Response r = rest.post("/v2/models/ocr_cls/infer", cls(shape, new float[3 * 48 * 100]));
    assertError(400, "[1, 3, 48, 100]", r);
    assertTrue(r.error().contains("192"), "names the expected shape: " + r.error());
    assertGrpc(Status.Code.INVALID_ARGUMENT, "[1, 3, 48, 100]", grpcFailure(server.grpc.modelInfer(GrpcInfer.addRaw(
        GrpcInfer.request("ocr_cls", ""), "x", "FP32", shape, Raw.floats(new float[3 * 48 * 100])).build())));
  }

  @Test
  void wrongDatatypeIsRefused() {
    byte[] doubles = new byte[Samples.CLS_ELEMENTS * 8];
    RestClient.Response r = rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().binaryInput("x", "FP64", ONE_CROP, doubles).build());
    assertError(400, "FP64", r);
    assertTrue(r.error().contains("FP32"), "names the expected datatype: " + r.error());
  }

  @Test
  void dataLengthMismatchIsRefused() {
    byte[] tooShort = Arrays.copyOf(Raw.floats(Samples.clsInput(1, 1)), 1000);
    RestClient.Response r = rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().binaryInput("x", "FP32", ONE_CROP, tooShort).build());
    assertError(400, "1000", r);
    assertTrue(r.error().contains("'x'"), r.error());
    RestClient.Response json = rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().input("x", "FP32", ONE_CROP, 1f, 2f, 3f).build());
    assertError(400, "'x'", json);
    assertGrpc(Status.Code.INVALID_ARGUMENT, "'x'", grpcFailure(server.grpc.modelInfer(GrpcInfer.addRaw(
        GrpcInfer.request("ocr_cls", ""), "x", "FP32", ONE_CROP, tooShort).build())));
  }

  @Test
  void malformedJsonIsRefused() {
    assertError(400, "malformed JSON", rest.post("/v2/models/ocr_cls/infer", "{\"inputs\": [ {\"name\": \"x\", "));
  }

  @Test
  void bodyOverTheLimitIsTooLarge() {
    byte[] big = new byte[3 * 1024 * 1024];
    RestClient.Response r = rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().binaryInput("x", "FP32", new long[] {big.length / 4}, big).build());
    assertError(413, Long.toString(2L * 1024 * 1024), r);
    GrpcServiceException e = grpcFailure(server.grpc.modelInfer(GrpcInfer.addRaw(
        GrpcInfer.request("ocr_cls", ""), "x", "FP32", new long[] {big.length / 4}, big).build()));
    assertGrpc(Status.Code.RESOURCE_EXHAUSTED, Long.toString(2L * 1024 * 1024), e);
  }

  @Test
  void ocrRefusesATextFileAsImage() {
    byte[] text = "this is not an image\n".getBytes(StandardCharsets.UTF_8);
    assertError(400, "not a supported format", rest.post("/v2/models/ocr/infer",
        InferBody.builder().binaryInput("IMAGE", "BYTES", new long[] {1}, Samples.bytesElement(text)).build()));
    assertGrpc(Status.Code.INVALID_ARGUMENT, "not a supported format", grpcFailure(server.grpc.modelInfer(
        GrpcInfer.addRaw(GrpcInfer.request("ocr", ""), "IMAGE", "BYTES", new long[] {1}, Samples.bytesElement(text)).build())));
  }

  @Test
  void ocrRefusesAnImageOverThePixelLimitFromItsHeader() {
    byte[] png = Samples.pngHeaderClaiming(100_000, 100_000);
    RestClient.Response r = rest.post("/v2/models/ocr/infer",
        InferBody.builder().binaryInput("IMAGE", "BYTES", new long[] {1}, Samples.bytesElement(png)).build());
    assertError(400, "100000x100000", r);
    assertTrue(r.error().contains("over the limit of 40000000"), r.error());
  }

  @Test
  void vadSegmentsRefusesATruncatedWav() {
    byte[] truncated = Arrays.copyOf(Samples.speechWav(), 1000);
    RestClient.Response r = rest.post("/v2/models/vad_segments/infer",
        InferBody.builder().binaryInput("AUDIO", "BYTES", new long[] {1}, Samples.bytesElement(truncated)).build());
    assertError(400, "truncated", r);
  }

  @Test
  void ocrDetRefusingAShapeItsConfigAllowsIsAClientErrorWithoutInternals() {
    // dims [3, -1, -1] allow any spatial size, but the detector's feature pyramid cannot add maps of
    // 33x47 (ORT: a runtime error about broadcasting, with its source path) nor convolve 0x32 (ORT: invalid argument).
    for (long[] shape : new long[][] {{1, 3, 33, 47}, {1, 3, 0, 32}}) {
      float[] data = new float[(int) (3 * shape[2] * shape[3])];
      String expected = "cannot run on the input shapes x " + Arrays.toString(shape);
      RestClient.Response r = rest.post("/v2/models/ocr_det/infer", InferBody.builder().binaryInput("x", "FP32", shape, Raw.floats(data)).build());
      assertError(400, expected, r);
      String body = new String(r.body(), StandardCharsets.UTF_8);
      assertTrue(!body.contains("onnxruntime") && !body.contains(".h:") && !body.contains("ORT_"), "no internals: " + body);
      GrpcServiceException e = grpcFailure(server.grpc.modelInfer(GrpcInfer.addRaw(
          GrpcInfer.request("ocr_det", ""), "x", "FP32", shape, Raw.floats(data)).build()));
      assertGrpc(Status.Code.INVALID_ARGUMENT, expected, e);
      assertTrue(!e.getStatus().getDescription().contains("onnxruntime"), e.getStatus().getDescription());
    }
  }

  private static InferBody cls(long[] shape, float[] data) {
    return InferBody.builder().binaryInput("x", "FP32", shape, Raw.floats(data)).build();
  }

  static void assertError(int status, String fragment, RestClient.Response r) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertEquals(status, r.status(), body);
    assertTrue(r.error().contains(fragment), "error mentions '" + fragment + "': " + body);
  }

  static void assertGrpc(Status.Code code, String fragment, GrpcServiceException e) {
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    String description = String.valueOf(e.getStatus().getDescription());
    assertTrue(description.contains(fragment), "status mentions '" + fragment + "': " + description);
  }
}
