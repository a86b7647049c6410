package io.inferencia.edge.kserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.InferResult;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KServe v2 REST conformance through a real socket, against {@link FakeGateway}. */
class KServeRestConformanceTest {
  private static final long[] ONE_ROW = {1, FakeGateway.ADD_SUB_WIDTH};
  private static EdgeFixture edge;
  private static final FakeGateway GATEWAY = new FakeGateway();
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(GATEWAY);
    rest = edge.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  // ---- health and metadata ----

  @Test
  void serverIsLiveAndReady() {
    RestClient.Response live = rest.get("/v2/health/live");
    assertEquals(200, live.status());
    assertTrue(live.json().path("live").asBoolean());
    assertEquals(200, rest.get("/v2/health/ready").status());
  }

  @Test
  void serverMetadataListsImplementedExtensions() {
    RestClient.Response r = rest.get("/v2");
    assertEquals(200, r.status());
    assertEquals("application/json", r.contentType());
    assertEquals("inferencia", r.json().path("name").asText());
    List<String> ext = new ArrayList<>();
    r.json().path("extensions").forEach(e -> ext.add(e.asText()));
    assertEquals(List.of("binary_tensor_data", "classification", "model_repository", "model_configuration", "statistics", "logging"), ext);
  }

  @Test
  void modelMetadataIncludesBatchDimension() {
    JsonNode m = rest.get("/v2/models/add_sub").json();
    assertEquals("add_sub", m.path("name").asText());
    assertEquals("[\"1\",\"2\"]", m.path("versions").toString());
    assertEquals("onnxruntime_onnx", m.path("platform").asText());
    assertEquals("{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[-1,16]}", m.path("inputs").get(0).toString());
    assertEquals("OUTPUT1", m.path("outputs").get(1).path("name").asText());
    assertEquals(200, rest.get("/v2/models/add_sub/versions/2").status());
  }

  @Test
  void unknownModelOrVersionIs404WithMessage() {
    RestClient.Response model = rest.get("/v2/models/nope");
    assertEquals(404, model.status());
    assertEquals("unknown model: 'nope'", model.error());
    RestClient.Response version = rest.get("/v2/models/add_sub/versions/7");
    assertEquals(404, version.status());
    assertEquals("unknown version '7' of model 'add_sub'", version.error());
  }

  @Test
  void modelReadyAnswers200WhenReadyAnd400Otherwise() {
    RestClient.Response ready = rest.get("/v2/models/add_sub/ready");
    assertEquals(200, ready.status());
    assertTrue(ready.json().path("ready").asBoolean());
    assertEquals(200, rest.get("/v2/models/add_sub/versions/1/ready").status());
    RestClient.Response broken = rest.get("/v2/models/broken/ready");
    assertEquals(400, broken.status());
    assertFalse(broken.json().path("ready").asBoolean());
    assertEquals(404, rest.get("/v2/models/nope/ready").status());
  }

  @Test
  void modelConfigIsTritonJson() {
    RestClient.Response r = rest.get("/v2/models/add_sub/config");
    assertEquals(200, r.status());
    JsonNode c = r.json();
    assertEquals("add_sub", c.path("name").asText());
    assertEquals(8, c.path("max_batch_size").asInt());
    assertEquals("TYPE_FP32", c.path("input").get(0).path("data_type").asText());
    assertEquals("[\"16\"]", c.path("input").get(0).path("dims").toString());
    assertEquals(404, rest.get("/v2/models/nope/config").status());
  }

  // ---- inference: JSON ----

  @Test
  void addSubWithNestedJsonData() {
    float[] a = Raw.ramp(16, 0);
    float[] b = Raw.ramp(16, 100);
    ArrayNode nestedA = RestClient.JSON.createArrayNode();
    ArrayNode row = nestedA.addArray();
    for (float f : a) row.add(f);
    RestClient.Response r = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .id("req-1")
        .input("INPUT0", "FP32", ONE_ROW, nestedA)
        .input("INPUT1", "FP32", ONE_ROW, b)
        .build());
    assertEquals(200, r.status(), () -> new String(r.body()));
    assertEquals("application/json", r.contentType());
    InferResult res = InferResult.of(r);
    assertEquals("add_sub", res.header().path("model_name").asText());
    assertEquals("2", res.header().path("model_version").asText());
    assertEquals("req-1", res.header().path("id").asText());
    assertEquals("[1,16]", res.output("OUTPUT0").path("shape").toString());
    assertEquals("FP32", res.output("OUTPUT0").path("datatype").asText());
    assertArrayEquals(sum(a, b), res.floats("OUTPUT0"));
    assertArrayEquals(diff(a, b), res.floats("OUTPUT1"));
  }

  @Test
  void batchOfTwoOnPinnedVersion() {
    float[] a = Raw.ramp(32, 1);
    float[] b = Raw.ramp(32, -5);
    RestClient.Response r = rest.post("/v2/models/add_sub/versions/1/infer", InferBody.builder()
        .input("INPUT0", "FP32", new long[] {2, 16}, a)
        .input("INPUT1", "FP32", new long[] {2, 16}, b)
        .build());
    assertEquals(200, r.status(), () -> new String(r.body()));
    InferResult res = InferResult.of(r);
    assertEquals("1", res.header().path("model_version").asText());
    assertArrayEquals(sum(a, b), res.floats("OUTPUT0"));
  }

  @Test
  void requestedOutputsOnly() {
    float[] a = Raw.ramp(16, 0);
    RestClient.Response r = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP32", ONE_ROW, a)
        .input("INPUT1", "FP32", ONE_ROW, a)
        .output("OUTPUT1")
        .build());
    InferResult res = InferResult.of(r);
    assertEquals(1, res.header().path("outputs").size());
    assertArrayEquals(new float[16], res.floats("OUTPUT1"));
  }

  // ---- inference: binary tensor extension ----

  @Test
  void binaryInputsAndBinaryOutputs() {
    float[] a = Raw.ramp(16, 3);
    float[] b = Raw.ramp(16, 7);
    RestClient.Response r = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .binaryInput("INPUT0", "FP32", ONE_ROW, Raw.floats(a))
        .binaryInput("INPUT1", "FP32", ONE_ROW, Raw.floats(b))
        .parameter("binary_data_output", true)
        .build());
    assertEquals(200, r.status(), () -> new String(r.body()));
    assertEquals("application/octet-stream", r.contentType());
    assertTrue(r.headerLength().isPresent());
    InferResult res = InferResult.of(r);
    assertEquals(64, res.output("OUTPUT0").path("parameters").path("binary_data_size").asInt());
    assertFalse(res.output("OUTPUT0").has("data"));
    assertArrayEquals(sum(a, b), Raw.floats(res.binary().get("OUTPUT0")));
    assertArrayEquals(diff(a, b), Raw.floats(res.binary().get("OUTPUT1")));
  }

  @Test
  void mixedJsonAndBinaryInputsAndOutputs() {
    float[] a = Raw.ramp(16, 0.5f);
    float[] b = Raw.ramp(16, 2);
    RestClient.Response r = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP32", ONE_ROW, a)
        .binaryInput("INPUT1", "FP32", ONE_ROW, Raw.floats(b))
        .output("OUTPUT0", true)
        .output("OUTPUT1", false)
        .build());
    assertEquals(200, r.status(), () -> new String(r.body()));
    InferResult res = InferResult.of(r);
    assertEquals(List.of("OUTPUT0"), List.copyOf(res.binary().keySet()));
    assertArrayEquals(sum(a, b), Raw.floats(res.binary().get("OUTPUT0")));
    assertTrue(res.output("OUTPUT1").has("data"));
    assertArrayEquals(diff(a, b), res.floats("OUTPUT1"));
  }

  // ---- BYTES and other datatypes ----

  @Test
  void bytesAsJsonStrings() {
    RestClient.Response r = rest.post("/v2/models/echo_bytes/infer", InferBody.builder()
        .stringInput("INPUT0", new long[] {3}, "hello", "", "grüße ✓")
        .build());
    assertEquals(200, r.status(), () -> new String(r.body()));
    JsonNode out = InferResult.of(r).output("OUTPUT0");
    assertEquals("BYTES", out.path("datatype").asText());
    assertEquals("[\"hello\",\"\",\"grüße ✓\"]", out.path("data").toString());
  }

  @Test
  void bytesAsBinaryData() {
    RestClient.Response r = rest.post("/v2/models/echo_bytes/infer", InferBody.builder()
        .binaryInput("INPUT0", "BYTES", new long[] {2}, Raw.strings("a", "bc"))
        .output("OUTPUT0", true)
        .build());
    assertEquals(200, r.status(), () -> new String(r.body()));
    InferResult res = InferResult.of(r);
    assertEquals(List.of("a", "bc"), Raw.strings(res.binary().get("OUTPUT0")));
  }

  @Test
  void everyJsonDatatypeRoundTrips() {
    String[][] cases = {
      {"BOOL", "[true,false,true]"},
      {"INT8", "[-128,0,127]"},
      {"INT16", "[-32768,1,32767]"},
      {"INT32", "[-2147483648,2,2147483647]"},
      {"INT64", "[-9223372036854775808,3,9223372036854775807]"},
      {"UINT8", "[0,1,255]"},
      {"UINT16", "[0,1,65535]"},
      {"UINT32", "[0,1,4294967295]"},
      {"UINT64", "[0,1,18446744073709551615]"},
      {"FP32", "[-1.5,0.0,3.25]"},
      {"FP64", "[-1.0E300,0.0,2.5]"},
    };
    InferBody.Builder body = InferBody.builder();
    for (String[] c : cases) body.input(c[0] + "_in", c[0], new long[] {3}, parse(c[1]));
    RestClient.Response r = rest.post("/v2/models/identity/infer", body.build());
    assertEquals(200, r.status(), () -> new String(r.body()));
    InferResult res = InferResult.of(r);
    for (String[] c : cases) {
      JsonNode out = res.output("OUT_" + c[0] + "_in");
      assertEquals(c[0], out.path("datatype").asText());
      assertEquals(c[1], out.path("data").toString(), c[0]);
    }
  }

  @Test
  void largeNestedJsonTensorRoundTrips() {
    int rows = 250;
    int cols = 200;
    ArrayNode nested = RestClient.JSON.createArrayNode();
    for (int r = 0; r < rows; r++) {
      ArrayNode row = nested.addArray();
      for (int c = 0; c < cols; c++) row.add(r * cols + c);
    }
    RestClient.Response resp = rest.post("/v2/models/identity/infer", InferBody.builder()
        .input("m", "INT32", new long[] {rows, cols}, nested).output("OUT_m", true).build());
    assertEquals(200, resp.status(), () -> new String(resp.body()));
    java.nio.IntBuffer ints = java.nio.ByteBuffer.wrap(InferResult.of(resp).binary().get("OUT_m"))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    assertEquals(rows * cols, ints.remaining());
    for (int i = 0; i < rows * cols; i++) assertEquals(i, ints.get(i));
  }

  @Test
  void fp16TravelsAsBinaryAndIsWidenedInJsonOutput() {
    // 1.5, -2.0, 0.0 as IEEE half floats.
    RestClient.Response r = rest.post("/v2/models/identity/infer", InferBody.builder()
        .binaryInput("H", "FP16", new long[] {3}, Raw.halves((short) 0x3E00, (short) 0xC000, (short) 0))
        .build());
    assertEquals(200, r.status(), () -> new String(r.body()));
    assertEquals("[1.5,-2.0,0.0]", InferResult.of(r).output("OUT_H").path("data").toString());

    RestClient.Response json = rest.post("/v2/models/identity/infer", InferBody.builder()
        .input("H", "FP16", new long[] {1}, 1.5f)
        .build());
    assertEquals(400, json.status());
    assertEquals("input 'H': FP16 data must be sent as binary data, not JSON", json.error());
  }

  // ---- inference errors ----

  @Test
  void unknownModelAndVersionOnInfer() {
    InferBody body = addSubBody();
    RestClient.Response model = rest.post("/v2/models/nope/infer", body);
    assertEquals(404, model.status());
    assertEquals("unknown model: 'nope'", model.error());
    RestClient.Response version = rest.post("/v2/models/add_sub/versions/3/infer", body);
    assertEquals(404, version.status());
    assertEquals("unknown version '3' of model 'add_sub'", version.error());
  }

  @Test
  void wrongTensorNameShapeAndDatatype() {
    float[] a = Raw.ramp(16, 0);
    RestClient.Response name = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP32", ONE_ROW, a).input("INPUTX", "FP32", ONE_ROW, a).build());
    assertEquals(400, name.status());
    assertEquals("unexpected inference input 'INPUTX' for model 'add_sub'", name.error());

    RestClient.Response shape = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP32", new long[] {2, 8}, a).input("INPUT1", "FP32", ONE_ROW, a).build());
    assertEquals(400, shape.status());
    assertEquals("unexpected shape for input 'INPUT0' for model 'add_sub'. Expected [-1, 16], got [2, 8]",
        shape.error());

    RestClient.Response type = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP64", ONE_ROW, a).input("INPUT1", "FP32", ONE_ROW, a).build());
    assertEquals(400, type.status());
    assertEquals("inference input 'INPUT0' data-type is 'FP64', but model 'add_sub' expects 'FP32'", type.error());

    RestClient.Response unknownType = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP33", ONE_ROW, a).build());
    assertEquals(400, unknownType.status());
    assertEquals("input 'INPUT0': unknown datatype 'FP33'", unknownType.error());

    RestClient.Response missing = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP32", ONE_ROW, a).build());
    assertEquals(400, missing.status());
    assertTrue(missing.error().contains("input 'INPUT1' is missing"), missing.error());

    RestClient.Response batch = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP32", new long[] {9, 16}, Raw.ramp(144, 0))
        .input("INPUT1", "FP32", new long[] {9, 16}, Raw.ramp(144, 0)).build());
    assertEquals(400, batch.status());
    assertEquals("inference request batch-size must be <= 8 for 'add_sub'", batch.error());

    RestClient.Response output = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP32", ONE_ROW, a).input("INPUT1", "FP32", ONE_ROW, a).output("OUTPUT9").build());
    assertEquals(400, output.status());
    assertEquals("unexpected inference output 'OUTPUT9' for model 'add_sub'", output.error());
  }

  @Test
  void dataCountAndValueErrorsNameTheTensor() {
    RestClient.Response count = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .input("INPUT0", "FP32", ONE_ROW, Raw.ramp(15, 0)).build());
    assertEquals(400, count.status());
    assertEquals("input 'INPUT0': shape [1, 16] needs 16 elements, got 15", count.error());

    RestClient.Response range = rest.post("/v2/models/identity/infer", InferBody.builder()
        .input("small", "INT8", new long[] {1}, parse("[300]")).build());
    assertEquals(400, range.status());
    assertEquals("input 'small': value 300 is out of range for INT8", range.error());

    RestClient.Response kind = rest.post("/v2/models/identity/infer", InferBody.builder()
        .input("n", "INT32", new long[] {1}, parse("[\"x\"]")).build());
    assertEquals(400, kind.status());
    assertEquals("input 'n': INT32 data must be numbers, got x", kind.error());
  }

  @Test
  void malformedJsonIs400() {
    RestClient.Response r = rest.post("/v2/models/add_sub/infer", "{\"inputs\": [ {\"name\": ");
    assertEquals(400, r.status());
    assertEquals("application/json", r.contentType());
    assertTrue(r.error().startsWith("malformed JSON in inference request"), r.error());

    RestClient.Response noInputs = rest.post("/v2/models/add_sub/infer", "{}");
    assertEquals(400, noInputs.status());
    assertEquals("inference request has no 'inputs'", noInputs.error());
  }

  @Test
  void badBinarySizesAre400() {
    byte[] row = Raw.floats(Raw.ramp(16, 0));
    RestClient.Response tooBig = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .binaryInput("INPUT0", "FP32", ONE_ROW, row, 100).build());
    assertEquals(400, tooBig.status());
    assertEquals("input 'INPUT0': binary_data_size is 100 but only 64 bytes of binary data remain", tooBig.error());

    RestClient.Response unclaimed = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .binaryInput("INPUT0", "FP32", ONE_ROW, row).extraBinary(new byte[8]).build());
    assertEquals(400, unclaimed.status());
    assertEquals("binary tensor data has 8 bytes that no input claims with binary_data_size", unclaimed.error());

    RestClient.Response shape = rest.post("/v2/models/add_sub/infer", InferBody.builder()
        .binaryInput("INPUT0", "FP32", ONE_ROW, new byte[60]).build());
    assertEquals(400, shape.status());
    assertEquals("input 'INPUT0': FP32 shape [1, 16] needs 64 bytes of data, got 60", shape.error());

    RestClient.Response prefix = rest.post("/v2/models/echo_bytes/infer", InferBody.builder()
        .binaryInput("INPUT0", "BYTES", new long[] {1}, new byte[] {10, 0, 0, 0, 'a'}).build());
    assertEquals(400, prefix.status());
    assertEquals("input 'INPUT0': BYTES element length 10 exceeds the 1 bytes left", prefix.error());

    InferBody body = addSubBody();
    RestClient.Response header = rest.send(HttpRequest.newBuilder(URI.create(base() + "/v2/models/add_sub/infer"))
        .header("Inference-Header-Content-Length", Integer.toString(body.bytes().length + 1))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())));
    assertEquals(400, header.status());
    assertTrue(header.error().startsWith("Inference-Header-Content-Length"), header.error());
  }

  @Test
  void oversizeBodyIs413() {
    assertEquals(1024 * 1024, edge.settings.maxRequestBytes());
    int floats = 300_000; // 1.2 MB binary, over the test limit of 1 MiB
    RestClient.Response r = rest.post("/v2/models/identity/infer", InferBody.builder()
        .binaryInput("big", "FP32", new long[] {floats}, new byte[floats * 4]).build());
    assertEquals(413, r.status());
    assertEquals("application/json", r.contentType());
    assertTrue(r.error().contains("exceeds the limit of 1048576 bytes"), r.error());
  }

  @Test
  void gatewayErrorKindsMapToStatuses() {
    InferBody any = InferBody.builder().input("x", "FP32", new long[] {1}, 1f).build();
    RestClient.Response unavailable = rest.post("/v2/models/broken/infer", any);
    assertEquals(503, unavailable.status());
    assertEquals("model 'broken' is not ready: failed to load 'broken' version 1: model.onnx is not a valid ONNX file",
        unavailable.error());
    RestClient.Response busy = rest.post("/v2/models/busy/infer", any);
    assertEquals(429, busy.status());
    assertEquals("queue of model 'busy' is full (max_queue_size 4)", busy.error());
    RestClient.Response late = rest.post("/v2/models/late/infer", any);
    assertEquals(504, late.status());
    assertEquals("request for model 'late' timed out in the queue", late.error());
  }

  @Test
  void unknownRouteIs404AndWrongMethodIs405() {
    RestClient.Response unknown = rest.get("/v2/nothing/here");
    assertEquals(404, unknown.status());
    assertEquals("application/json", unknown.contentType());
    assertFalse(unknown.error().isEmpty());

    RestClient.Response method = rest.get("/v2/models/add_sub/infer");
    assertEquals(405, method.status());
    assertEquals("application/json", method.contentType());
    assertTrue(method.error().contains("POST"), method.error());
  }

  // ---- statistics extension ----

  @Test
  void statisticsCountAnsweredItemsAndFailuresPerVersion() {
    JsonNode before = addSubStats("1");
    float[] a = Raw.ramp(32, 2);
    for (int i = 0; i < 3; i++)
      assertEquals(200, rest.post("/v2/models/add_sub/versions/1/infer", InferBody.builder()
          .input("INPUT0", "FP32", new long[] {2, 16}, a).input("INPUT1", "FP32", new long[] {2, 16}, a).build()).status());
    assertEquals(400, rest.post("/v2/models/add_sub/versions/1/infer", InferBody.builder()
        .input("INPUT0", "INT32", ONE_ROW, ints(16)).input("INPUT1", "FP32", ONE_ROW, Raw.ramp(16, 0)).build()).status());
    JsonNode after = addSubStats("1");
    assertEquals("add_sub", after.path("name").asText());
    assertEquals(6, after.path("inference_count").asLong() - before.path("inference_count").asLong(), "3 requests of 2 items");
    assertEquals(3, after.path("execution_count").asLong() - before.path("execution_count").asLong());
    assertEquals(3, count(after, "success") - count(before, "success"));
    assertEquals(1, count(after, "fail") - count(before, "fail"));
    assertTrue(after.path("last_inference").asLong() >= before.path("last_inference").asLong());
    for (String f : List.of("queue", "compute_input", "compute_infer", "compute_output", "cache_hit", "cache_miss"))
      assertTrue(after.path("inference_stats").path(f).has("ns"), f + " is a $duration_stat");
    JsonNode batch = after.path("batch_stats").get(0);
    assertEquals(2, batch.path("batch_size").asInt(), after.toString());
    assertTrue(batch.path("compute_infer").path("count").asLong() >= 3, batch.toString());
  }

  @Test
  void statisticsOfEveryModelOrEveryVersionOfOne() {
    RestClient.Response all = rest.get("/v2/models/stats");
    assertEquals(200, all.status());
    List<String> listed = new ArrayList<>();
    all.json().path("model_stats").forEach(m -> listed.add(m.path("name").asText() + "/" + m.path("version").asText()));
    assertTrue(listed.containsAll(List.of("add_sub/1", "add_sub/2", "echo_bytes/1")), listed.toString());
    assertFalse(listed.contains("broken/1"), "only ready models are reported: " + listed);
    assertEquals(2, rest.get("/v2/models/add_sub/stats").json().path("model_stats").size());
  }

  @Test
  void statisticsOfUnknownOrUnavailableModelsAreErrors() {
    RestClient.Response unknown = rest.get("/v2/models/nope/stats");
    assertEquals(404, unknown.status());
    assertEquals("unknown model: 'nope'", unknown.error());
    assertEquals(404, rest.get("/v2/models/add_sub/versions/7/stats").status());
    RestClient.Response broken = rest.get("/v2/models/broken/stats");
    assertEquals(503, broken.status());
    assertEquals("model 'broken' is not ready", broken.error());
  }

  private static JsonNode addSubStats(String version) {
    RestClient.Response r = rest.get("/v2/models/add_sub/versions/" + version + "/stats");
    assertEquals(200, r.status(), () -> new String(r.body()));
    assertEquals(1, r.json().path("model_stats").size());
    return r.json().path("model_stats").get(0);
  }

  private static ArrayNode ints(int n) {
    ArrayNode a = RestClient.JSON.createArrayNode();
    for (int i = 0; i < n; i++) a.add(i);
    return a;
  }

  private static long count(JsonNode model, String phase) {
    return model.path("inference_stats").path(phase).path("count").asLong();
  }

  // ---- repository extension ----

  @Test
  void repositoryIndexAllAndReadyOnly() {
    RestClient.Response all = rest.post("/v2/repository/index", "");
    assertEquals(200, all.status());
    JsonNode broken = find(all.json(), "broken");
    assertEquals("UNAVAILABLE", broken.path("state").asText());
    assertTrue(broken.path("reason").asText().contains("not a valid ONNX file"));
    assertEquals("READY", find(all.json(), "add_sub").path("state").asText());

    JsonNode ready = rest.post("/v2/repository/index", "{\"ready\": true}").json();
    for (JsonNode e : ready) assertEquals("READY", e.path("state").asText(), e.toString());
    assertTrue(ready.size() < all.json().size());
  }

  @Test
  void unloadThenLoad() {
    InferBody body = InferBody.builder().input("x", "FP32", new long[] {1}, 1f).build();
    assertEquals(200, rest.post("/v2/repository/models/toggle/unload", "").status());
    assertEquals(400, rest.get("/v2/models/toggle/ready").status());
    RestClient.Response refused = rest.post("/v2/models/toggle/infer", body);
    assertEquals(503, refused.status());
    assertEquals("model 'toggle' is not ready: unloaded", refused.error());

    assertEquals(200, rest.post("/v2/repository/models/toggle/load", "{}").status());
    assertEquals(200, rest.get("/v2/models/toggle/ready").status());
    assertEquals(200, rest.post("/v2/models/toggle/infer", body).status());

    RestClient.Response unknown = rest.post("/v2/repository/models/nope/load", "");
    assertEquals(404, unknown.status());
    assertEquals("no model 'nope' in the repository", unknown.error());
  }

  @Test
  void loadCarriesTritonsConfigParameterAsConfigText() {
    String json = "{\"parameters\": {\"config\": \"{\\\"max_batch_size\\\": 4, \\\"backend\\\": \\\"onnxruntime\\\"}\"}}";
    assertEquals(200, rest.post("/v2/repository/models/toggle/load", json).status());
    String text = fake().lastLoadConfig.get("toggle");
    assertTrue(text.contains("max_batch_size: 4") && text.contains("backend: \"onnxruntime\""), text);
    assertEquals(200, rest.post("/v2/repository/models/toggle/load", "").status());
    assertEquals("", fake().lastLoadConfig.get("toggle"), "no parameter, no override");
  }

  @Test
  void loadParametersThatCannotBeHonouredAre400() {
    RestClient.Response notJson = rest.post("/v2/repository/models/toggle/load", "{\"parameters\": {\"config\": \"{max_batch\"}}");
    assertEquals(400, notJson.status());
    assertTrue(notJson.error().contains("load parameter 'config' is not a model config in JSON"), notJson.error());
    RestClient.Response unknownField = rest.post("/v2/repository/models/toggle/load", "{\"parameters\": {\"config\": \"{\\\"colour\\\": 3}\"}}");
    assertEquals(400, unknownField.status());
    assertTrue(unknownField.error().contains("colour"), unknownField.error());
    RestClient.Response file = rest.post("/v2/repository/models/toggle/load", "{\"parameters\": {\"file:1/model.onnx\": \"AAAA\"}}");
    assertEquals(400, file.status());
    assertEquals("load parameter 'file:1/model.onnx' is not supported (only 'config', a model config in JSON)", file.error());
  }

  // ---- helpers ----

  private static FakeGateway fake() {
    return GATEWAY;
  }

  private static InferBody addSubBody() {
    float[] a = Raw.ramp(16, 0);
    return InferBody.builder().input("INPUT0", "FP32", ONE_ROW, a).input("INPUT1", "FP32", ONE_ROW, a).build();
  }

  private static String base() {
    return "http://" + edge.settings.host() + ":" + edge.bindings.rest().localAddress().getPort();
  }

  private static JsonNode find(JsonNode index, String model) {
    for (JsonNode e : index) if (e.path("name").asText().equals(model)) return e;
    throw new AssertionError("no " + model + " in " + index);
  }

  private static JsonNode parse(String json) {
    try {
      return RestClient.JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static float[] sum(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i] + b[i];
    return out;
  }

  static float[] diff(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i] - b[i];
    return out;
  }
}
