package io.inferencia.node.conformance;

import static io.inferencia.node.conformance.RealModelEndpointsTest.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.InferResult;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.edge.testkit.ShmObject;
import io.inferencia.protocols.grpc.InferParameter;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.grpc.ModelStreamInferResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

/** Inference on the shipped models through real sockets, each input form giving the same answer. */
class RealModelInferenceTest extends ShippedModelsTest {
  private static final String CLS_OUT = "softmax_0.tmp_0";
  private static final long[] ONE_CROP = {1, 3, 48, 192};

  @Test
  void classifierGivesTheSameOutputForEveryInputForm() throws Exception {
    float[] input = Samples.clsInput(1, 42);

    InferResult json = InferResult.of(ok(rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().input("x", "FP32", ONE_CROP, input).build())));
    assertEquals("[1,2]", json.output(CLS_OUT).path("shape").toString());
    assertEquals("FP32", json.output(CLS_OUT).path("datatype").asText());
    float[] reference = json.floats(CLS_OUT);
    assertEquals(2, reference.length);
    assertEquals(1f, reference[0] + reference[1], 1e-4f, "softmax sums to 1");

    InferResult binary = InferResult.of(ok(rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().binaryInput("x", "FP32", ONE_CROP, Raw.floats(input)).output(CLS_OUT, true).build())));
    assertTrue(binary.binary().containsKey(CLS_OUT), "output came back as binary data");
    assertArrayEquals(reference, binary.floats(CLS_OUT), 1e-5f);

    ModelInferResponse raw = get(server.grpc.modelInfer(
        GrpcInfer.addRaw(GrpcInfer.request("ocr_cls", ""), "x", "FP32", ONE_CROP, Raw.floats(input)).build()));
    assertEquals(List.of(1L, 2L), raw.getOutputs(0).getShapeList());
    assertArrayEquals(reference, Raw.floats(GrpcInfer.rawOutput(raw, CLS_OUT)), 1e-5f);

    ModelInferResponse typed = get(server.grpc.modelInfer(
        GrpcInfer.addTyped(GrpcInfer.request("ocr_cls", "1"), "x", "FP32", ONE_CROP, GrpcInfer.fp32(input)).build()));
    assertArrayEquals(reference, grpcFloats(typed, CLS_OUT), 1e-5f);
  }

  @Test
  void classificationExtensionGivesTheTopAnglesWithTheirLabelsOverRestAndGrpc() throws Exception {
    float[] input = Samples.clsInput(1, 42);
    float[] probs = InferResult.of(ok(rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().input("x", "FP32", ONE_CROP, input).build()))).floats(CLS_OUT);
    int best = probs[0] >= probs[1] ? 0 : 1;
    List<String> expected = List.of(
        String.format(java.util.Locale.ROOT, "%f:%d:%s", probs[best], best, best == 0 ? "0" : "180"),
        String.format(java.util.Locale.ROOT, "%f:%d:%s", probs[1 - best], 1 - best, best == 0 ? "180" : "0"));

    InferResult json = InferResult.of(ok(rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().input("x", "FP32", ONE_CROP, input).classification(CLS_OUT, 2).build())));
    assertEquals("BYTES", json.output(CLS_OUT).path("datatype").asText());
    assertEquals("[1,2]", json.output(CLS_OUT).path("shape").toString());
    List<String> overRest = new ArrayList<>();
    json.output(CLS_OUT).path("data").forEach(d -> overRest.add(d.asText()));
    assertEquals(expected, overRest);

    ModelInferRequest.Builder g = GrpcInfer.addRaw(GrpcInfer.request("ocr_cls", ""), "x", "FP32", ONE_CROP, Raw.floats(input));
    g.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(CLS_OUT)
        .putParameters("classification", io.inferencia.protocols.grpc.InferParameter.newBuilder().setInt64Param(1).build()));
    ModelInferResponse r = get(server.grpc.modelInfer(g.build()));
    assertEquals("BYTES", r.getOutputs(0).getDatatype());
    assertEquals(List.of(expected.get(0)), Raw.strings(GrpcInfer.rawOutput(r, CLS_OUT)));

    RestClient.Response pipeline = rest.post("/v2/models/ocr/infer", InferBody.builder()
        .binaryInput("IMAGE", "BYTES", new long[] {1}, Samples.bytesElement(Samples.renderPng("x"))).classification("CONFIDENCE", 1).build());
    assertEquals(400, pipeline.status());
    assertTrue(pipeline.error().contains("classification is for ONNX models' outputs, not those of pipeline or ensemble 'ocr'"), pipeline.error());
    RestClient.Response notInt = rest.post("/v2/models/ocr_cls/infer", rawClassification(input));
    assertEquals(400, notInt.status());
    assertTrue(notInt.error().contains("parameter 'classification' must be an integer"), notInt.error());
  }

  /** A request whose classification parameter is a string. */
  private static String rawClassification(float[] input) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < input.length; i++) data.append(i == 0 ? "" : ",").append(input[i]);
    return "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3, 48, 192], \"data\": [" + data
        + "]}], \"outputs\": [{\"name\": \"" + CLS_OUT + "\", \"parameters\": {\"classification\": \"two\"}}]}";
  }

  @Test
  void classifierBatchOfThreeMatchesThreeSingleCalls() {
    float[] batch = Samples.clsInput(3, 5);
    InferResult r = InferResult.of(ok(rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().binaryInput("x", "FP32", new long[] {3, 3, 48, 192}, Raw.floats(batch)).build())));
    assertEquals("[3,2]", r.output(CLS_OUT).path("shape").toString());
    float[] all = r.floats(CLS_OUT);
    for (int i = 0; i < 3; i++) {
      float[] one = Arrays.copyOfRange(batch, i * Samples.CLS_ELEMENTS, (i + 1) * Samples.CLS_ELEMENTS);
      float[] single = InferResult.of(ok(rest.post("/v2/models/ocr_cls/infer",
          InferBody.builder().binaryInput("x", "FP32", ONE_CROP, Raw.floats(one)).build()))).floats(CLS_OUT);
      assertArrayEquals(single, Arrays.copyOfRange(all, i * 2, i * 2 + 2), 1e-5f, "row " + i);
    }
  }

  @Test
  void classifierAndOcrTakeTensorsFromSharedMemoryAndWriteResultsThere() throws Exception {
    float[] input = Samples.clsInput(1, 42);
    float[] reference = InferResult.of(ok(rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().input("x", "FP32", ONE_CROP, input).build()))).floats(CLS_OUT);
    byte[] image = Samples.bytesElement(Samples.renderPng("Hello World 2024"));
    int crop = 4 * Samples.CLS_ELEMENTS;
    int grpcOut = crop;
    int restOut = crop + 8;
    int imageAt = crop + 16;
    try (ShmObject obj = ShmObject.create(imageAt + image.length)) {
      obj.put(0, Raw.floats(input));
      obj.put(imageAt, image);
      assertEquals(200, rest.post("/v2/systemsharedmemory/region/tensors/register",
          "{\"key\": \"" + obj.key + "\", \"offset\": 0, \"byte_size\": " + (imageAt + image.length) + "}").status());
      try {
        ModelInferRequest.Builder g = GrpcInfer.request("ocr_cls", "");
        g.addInputs(GrpcInfer.input("x", "FP32", ONE_CROP)
            .putParameters("shared_memory_region", InferParameter.newBuilder().setStringParam("tensors").build())
            .putParameters("shared_memory_byte_size", InferParameter.newBuilder().setInt64Param(crop).build()));
        g.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(CLS_OUT)
            .putParameters("shared_memory_region", InferParameter.newBuilder().setStringParam("tensors").build())
            .putParameters("shared_memory_offset", InferParameter.newBuilder().setInt64Param(grpcOut).build())
            .putParameters("shared_memory_byte_size", InferParameter.newBuilder().setInt64Param(8).build()));
        ModelInferResponse r = get(server.grpc.modelInfer(g.build()));
        assertEquals(List.of(1L, 2L), r.getOutputs(0).getShapeList());
        assertArrayEquals(reference, obj.floats(grpcOut, 2), 1e-5f);

        RestClient.Response viaRest = rest.post("/v2/models/ocr_cls/infer", """
            {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 3, 48, 192],
                         "parameters": {"shared_memory_region": "tensors", "shared_memory_byte_size": %d}}],
             "outputs": [{"name": "%s", "parameters": {"shared_memory_region": "tensors",
                          "shared_memory_offset": %d, "shared_memory_byte_size": 8}}]}
            """.formatted(crop, CLS_OUT, restOut));
        assertEquals(200, viaRest.status(), new String(viaRest.body()));
        assertArrayEquals(reference, obj.floats(restOut, 2), 1e-5f);

        // The OCR pipeline's image (a BYTES element) from shared memory, its texts inline.
        InferResult ocr = InferResult.of(ok(rest.post("/v2/models/ocr/infer", """
            {"inputs": [{"name": "IMAGE", "datatype": "BYTES", "shape": [1],
                         "parameters": {"shared_memory_region": "tensors", "shared_memory_offset": %d,
                                        "shared_memory_byte_size": %d}}],
             "outputs": [{"name": "TEXT"}]}
            """.formatted(imageAt, image.length))));
        assertEquals("[\"Hello World 2024\"]", ocr.output("TEXT").path("data").toString());
      } finally {
        rest.post("/v2/systemsharedmemory/region/tensors/unregister", "");
      }
    }
  }

  @Test
  void ocrReadsARenderedImageOverRestBinary() {
    byte[] png = Samples.renderPng("Hello World 2024");
    InferResult r = InferResult.of(ok(rest.post("/v2/models/ocr/infer", InferBody.builder()
        .binaryInput("IMAGE", "BYTES", new long[] {1}, Samples.bytesElement(png)).build())));
    JsonNode text = r.output("TEXT");
    assertEquals("BYTES", text.path("datatype").asText());
    assertEquals("[\"Hello World 2024\"]", text.path("data").toString());
    assertEquals("[1,4,2]", r.output("BOX").path("shape").toString());
    float confidence = r.floats("CONFIDENCE")[0];
    assertTrue(confidence > 0.8f && confidence <= 1f, "confidence " + confidence);
    assertTrue(r.output("RESULT_JSON").path("data").get(0).asText().contains("Hello World 2024"), r.header().toString());
  }

  @Test
  void ocrReadsARenderedImageOverGrpcRaw() throws Exception {
    ModelInferResponse r = get(server.grpc.modelInfer(GrpcInfer.addRaw(GrpcInfer.request("ocr", ""),
        "IMAGE", "BYTES", new long[] {1}, Samples.bytesElement(Samples.renderPng("INVOICE-12345"))).build()));
    assertEquals(List.of("INVOICE-12345"), Raw.strings(GrpcInfer.rawOutput(r, "TEXT")));
  }

  @Test
  void ocrStreamAnswersEveryImageInOrder() throws Exception {
    List<String> texts = List.of("Order 4711", "Hello World 2024", "INVOICE-12345", "Pekko gRPC");
    List<ModelInferRequest> requests = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++)
      requests.add(GrpcInfer.addRaw(GrpcInfer.request("ocr", "").setId("img-" + i),
          "IMAGE", "BYTES", new long[] {1}, Samples.bytesElement(Samples.renderPng(texts.get(i)))).build());
    List<ModelStreamInferResponse> responses = get(server.grpc.modelStreamInfer(Source.from(requests))
        .runWith(Sink.seq(), server.testKit.system()));
    assertEquals(texts.size(), responses.size());
    List<String> read = new ArrayList<>();
    for (ModelStreamInferResponse r : responses) read.add(String.join("|", Raw.strings(GrpcInfer.rawOutput(r.getInferResponse(), "TEXT"))));
    assertEquals(texts, read);
    for (int i = 0; i < texts.size(); i++) {
      ModelStreamInferResponse r = responses.get(i);
      assertEquals("", r.getErrorMessage(), "image " + i);
      assertEquals("img-" + i, r.getInferResponse().getId());
      assertEquals(List.of(texts.get(i)), Raw.strings(GrpcInfer.rawOutput(r.getInferResponse(), "TEXT")), "image " + i);
    }
  }

  @Test
  void vadSegmentsCoverTheSpeechOfTheRecording() {
    InferResult r = InferResult.of(ok(rest.post("/v2/models/vad_segments/infer", InferBody.builder()
        .binaryInput("AUDIO", "BYTES", new long[] {1}, Samples.bytesElement(Samples.speechWav())).build())));
    JsonNode segments = r.output("SEGMENTS_MS");
    assertEquals("INT64", segments.path("datatype").asText());
    int count = segments.path("shape").get(0).asInt();
    assertTrue(count >= 1, "at least one segment: " + segments);
    assertEquals(2, segments.path("shape").get(1).asInt());
    JsonNode data = segments.path("data");
    long start = data.get(0).asLong();
    long end = data.get(2 * count - 1).asLong();
    assertEquals(1520, start, 200, "speech starts near 1520 ms: " + data);
    assertEquals(4560, end, 200, "speech ends near 4560 ms: " + data);
    for (int i = 0; i + 1 < data.size(); i++) assertTrue(data.get(i).asLong() <= data.get(i + 1).asLong(), "ordered: " + data);
    assertTrue(r.output("RESULT_JSON").path("data").get(0).asText().contains(Long.toString(start)), r.header().toString());
  }

  @Test
  void vadStreamKeepsSilerosStateAcrossAStreamOfWindows() throws Exception {
    var audio = new io.inferencia.gpu.pipeline.audio.WavReader(60).read(Samples.speechWav());
    float[] pcm = new io.inferencia.gpu.pipeline.audio.Resampler(audio.sampleRate(), 16000).resample(audio.mono());
    byte[] sr = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(16000).array();
    List<ModelInferRequest> windows = new ArrayList<>();
    int count = pcm.length / 512;
    for (int w = 0; w < count; w++) {
      float[] window = new float[576]; // the previous window's last 64 samples, then 512 new ones
      int from = w * 512 - 64;
      for (int i = 0; i < 576; i++) window[i] = from + i >= 0 ? pcm[from + i] : 0f;
      ModelInferRequest.Builder g = GrpcInfer.request("vad_stream", "").setId("w" + w);
      GrpcInfer.addRaw(g, "input", "FP32", new long[] {1, 576}, Raw.floats(window));
      GrpcInfer.addRaw(g, "sr", "INT64", new long[] {1}, sr);
      g.putParameters("sequence_id", io.inferencia.protocols.grpc.InferParameter.newBuilder().setStringParam("mic-1").build());
      g.putParameters("sequence_start", io.inferencia.protocols.grpc.InferParameter.newBuilder().setBoolParam(w == 0).build());
      g.putParameters("sequence_end", io.inferencia.protocols.grpc.InferParameter.newBuilder().setBoolParam(w == count - 1).build());
      windows.add(g.build());
    }
    List<ModelStreamInferResponse> responses = get(server.grpc.modelStreamInfer(Source.from(windows))
        .runWith(Sink.seq(), server.testKit.system()));
    assertEquals(count, responses.size());
    float[] speech = new float[count];
    for (int w = 0; w < count; w++) {
      assertEquals("", responses.get(w).getErrorMessage(), "window " + w);
      speech[w] = Raw.floats(GrpcInfer.rawOutput(responses.get(w).getInferResponse(), "output"))[0];
    }
    // 32 ms windows: speech ~1520-4560 ms, silence before and after.
    for (int w = 0; w < 1300 / 32; w++) assertTrue(speech[w] < 0.5f, "silence at " + w * 32 + " ms: " + speech[w]);
    int speaking = 0;
    for (int w = 1700 / 32; w < 4400 / 32; w++) if (speech[w] > 0.5f) speaking++;
    assertTrue(speaking > (4400 - 1700) / 32 / 2, "most windows of the speech are speech: " + speaking);
  }

  @Test
  void sileroModelDirectly() {
    ArrayNode sr = RestClient.JSON.createArrayNode().add(16000L);
    InferResult silence = InferResult.of(ok(rest.post("/v2/models/vad/infer", InferBody.builder()
        .input("input", "FP32", new long[] {1, 576}, new float[576])
        .input("state", "FP32", new long[] {2, 1, 128}, new float[256])
        .input("sr", "INT64", new long[] {1}, sr)
        .build())));
    assertEquals("[1,1]", silence.output("output").path("shape").toString());
    assertEquals("[2,1,128]", silence.output("stateN").path("shape").toString());
    float p = silence.floats("output")[0];
    assertTrue(p >= 0f && p < 0.5f, "silence is not speech: " + p);
    assertEquals(256, silence.floats("stateN").length);

    ModelInferRequest.Builder g = GrpcInfer.request("vad", "");
    GrpcInfer.addRaw(g, "input", "FP32", new long[] {1, 576}, Raw.floats(new float[576]));
    GrpcInfer.addRaw(g, "state", "FP32", new long[] {2, 1, 128}, Raw.floats(new float[256]));
    GrpcInfer.addRaw(g, "sr", "INT64", new long[] {1},
        java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(16000).array());
    try {
      ModelInferResponse r = get(server.grpc.modelInfer(g.build()));
      assertArrayEquals(new float[] {p}, Raw.floats(GrpcInfer.rawOutput(r, "output")), 1e-5f);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static RestClient.Response ok(RestClient.Response r) {
    assertEquals(200, r.status(), () -> new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    return r;
  }

  private static float[] grpcFloats(ModelInferResponse r, String name) {
    for (int i = 0; i < r.getOutputsCount(); i++) {
      if (!r.getOutputs(i).getName().equals(name)) continue;
      if (r.getRawOutputContentsCount() > 0) return Raw.floats(r.getRawOutputContents(i).toByteArray());
      List<Float> typed = r.getOutputs(i).getContents().getFp32ContentsList();
      float[] out = new float[typed.size()];
      for (int j = 0; j < out.length; j++) out[j] = typed.get(j);
      return out;
    }
    throw new AssertionError("no output " + name);
  }
}
