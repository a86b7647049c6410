package io.inferencia.edge.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.edge.testkit.ShmObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Triton's system shared memory extension over REST, against real POSIX shared memory objects in
 * /dev/shm made the way a client makes them: register, status, infer with inputs read from and
 * outputs written to regions, unregister, and every refusal.
 */
class SharedMemoryRestTest {
  private static final int ROW = FakeGateway.ADD_SUB_WIDTH;
  private static final int ROW_BYTES = 4 * ROW;
  private static EdgeFixture edge;
  private static RestClient rest;
  private final List<ShmObject> objects = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(new FakeGateway(), ConfigFactory.parseString("edge.shared-memory.allow-client = on"));
    rest = edge.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    assertEquals(200, rest.post("/v2/systemsharedmemory/unregister", "").status());
    for (ShmObject o : objects) o.close();
  }

  @Test
  void serverReportsTheExtension() {
    JsonNode ext = rest.get("/v2").json().path("extensions");
    assertTrue(ext.toString().contains("\"system_shared_memory\""), ext.toString());
  }

  @Test
  void registersAndReportsRegions() throws Exception {
    ShmObject obj = object(256);
    assertEquals(200, register("in", obj, 0, 128).status());
    assertEquals(200, register("out", obj, 128, 128).status());

    JsonNode all = rest.get("/v2/systemsharedmemory/status").json();
    assertEquals(2, all.size());
    assertEquals("in", all.get(0).path("name").asText());
    assertEquals(obj.key, all.get(0).path("key").asText());
    assertEquals(0, all.get(0).path("offset").asLong());
    assertEquals(128, all.get(0).path("byte_size").asLong());
    assertEquals(128, all.get(1).path("offset").asLong());

    JsonNode one = rest.get("/v2/systemsharedmemory/region/out/status").json();
    assertEquals(1, one.size());
    assertEquals("out", one.get(0).path("name").asText());

    RestClient.Response again = register("in", obj, 0, 8);
    assertEquals(409, again.status());
    assertEquals("shared memory region 'in' is already registered", again.error());

    RestClient.Response unknown = rest.get("/v2/systemsharedmemory/region/nope/status");
    assertEquals(404, unknown.status());
    assertEquals("no shared memory region 'nope' is registered", unknown.error());

    assertEquals(200, rest.post("/v2/systemsharedmemory/region/in/unregister", "").status());
    assertEquals(1, rest.get("/v2/systemsharedmemory/status").json().size());
    // Unregistering what is not registered is already done, as cleanup code expects.
    assertEquals(200, rest.post("/v2/systemsharedmemory/region/in/unregister", "").status());
  }

  @Test
  void infersFromAndIntoSharedMemory() throws Exception {
    ShmObject input = object(2 * ROW_BYTES);
    ShmObject output = object(2 * ROW_BYTES + 16);
    float[] a = ramp(1);
    float[] b = ramp(100);
    input.putFloats(0, a);
    input.putFloats(ROW_BYTES, b);
    assertEquals(200, register("input", input, 0, 2 * ROW_BYTES).status());
    assertEquals(200, register("output", output, 16, 2 * ROW_BYTES).status());

    RestClient.Response r = rest.post("/v2/models/add_sub/infer", """
        {"inputs": [
          {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16],
           "parameters": {"shared_memory_region": "input", "shared_memory_byte_size": 64}},
          {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16],
           "parameters": {"shared_memory_region": "input", "shared_memory_offset": 64, "shared_memory_byte_size": 64}}],
         "outputs": [
          {"name": "OUTPUT0", "parameters": {"shared_memory_region": "output", "shared_memory_byte_size": 64}},
          {"name": "OUTPUT1", "parameters": {"shared_memory_region": "output", "shared_memory_offset": 64, "shared_memory_byte_size": 64}}]}
        """);
    assertEquals(200, r.status(), new String(r.body()));
    JsonNode out0 = output(r.json(), "OUTPUT0");
    assertFalse(out0.has("data"), out0.toString());
    assertEquals("output", out0.path("parameters").path("shared_memory_region").asText());
    assertEquals(64, out0.path("parameters").path("shared_memory_byte_size").asLong());
    assertEquals(64, output(r.json(), "OUTPUT1").path("parameters").path("shared_memory_offset").asLong());
    // The region starts 16 bytes into its object.
    assertArrayEquals(sum(a, b), output.floats(16, ROW));
    assertArrayEquals(diff(a, b), output.floats(16 + ROW_BYTES, ROW));
    assertArrayEquals(new float[4], output.floats(0, 4), "bytes before the region stay untouched");
  }

  @Test
  void mixesSharedMemoryWithInlineAndBinaryTensors() throws Exception {
    ShmObject obj = object(ROW_BYTES);
    float[] a = ramp(3);
    obj.putFloats(0, a);
    assertEquals(200, register("a", obj, 0, ROW_BYTES).status());
    float[] b = ramp(-7);
    RestClient.Response r = rest.post("/v2/models/add_sub/infer", """
        {"inputs": [
          {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16],
           "parameters": {"shared_memory_region": "a", "shared_memory_byte_size": 64}},
          {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "data": %s}],
         "outputs": [{"name": "OUTPUT0"}, {"name": "OUTPUT1", "parameters": {"shared_memory_region": "a", "shared_memory_byte_size": 64}}]}
        """.formatted(java.util.Arrays.toString(b)));
    assertEquals(200, r.status(), new String(r.body()));
    JsonNode data = output(r.json(), "OUTPUT0").path("data");
    float[] s = sum(a, b);
    for (int i = 0; i < ROW; i++) assertEquals(s[i], (float) data.get(i).asDouble(), 0f);
    // The input region is the output region too: the result overwrote the input after it was read.
    assertArrayEquals(diff(a, b), obj.floats(0, ROW));
  }

  @Test
  void refusesBadRegistrations() throws Exception {
    ShmObject obj = object(64);
    assertError(register("big", obj, 32, 64), 400,
        "shared memory region 'big': offset 32 + byte_size 64 is beyond the 64 bytes of shared memory object '" + obj.key + "'");
    assertError(rest.post("/v2/systemsharedmemory/region/escape/register",
        "{\"key\": \"/../../etc/passwd\", \"offset\": 0, \"byte_size\": 8}"), 400,
        "shared memory key '/../../etc/passwd' is not a POSIX shared memory name ('/' and a name without '/')");
    assertError(rest.post("/v2/systemsharedmemory/region/gone/register",
        "{\"key\": \"/inferencia-test-missing\", \"offset\": 0, \"byte_size\": 8}"), 400,
        "shared memory region 'gone': no shared memory object '/inferencia-test-missing' exists");
    assertError(rest.post("/v2/systemsharedmemory/region/x/register", "{\"offset\": 0, \"byte_size\": 8}"), 400,
        "register request needs 'key' (string)");
    assertError(rest.post("/v2/systemsharedmemory/region/x/register",
        "{\"key\": \"" + obj.key + "\", \"byte_size\": -1}"), 400,
        "register request: 'byte_size' must be a non-negative integer, got -1");
    assertError(register("empty", obj, 0, 0), 400, "shared memory region 'empty': byte_size must be positive, got 0");
    assertEquals(0, rest.get("/v2/systemsharedmemory/status").json().size(), "nothing was registered");
  }

  @Test
  void refusesBadTensorReferences() throws Exception {
    ShmObject obj = object(ROW_BYTES);
    assertEquals(200, register("r", obj, 0, ROW_BYTES).status());
    String inline = "{\"name\": \"INPUT1\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"data\": " + java.util.Arrays.toString(ramp(0)) + "}";

    assertError(infer(shmInput("nope", 0, 64) + "," + inline, ""), 400,
        "input 'INPUT0': no shared memory region 'nope' is registered");
    assertError(infer(shmInput("r", 8, 64) + "," + inline, ""), 400,
        "input 'INPUT0': shared_memory_offset 8 + shared_memory_byte_size 64 is beyond the 64 bytes of shared memory region 'r'");
    assertError(infer(shmInput("r", 0, 60) + "," + inline, ""), 400,
        "input 'INPUT0': FP32 shape [1, 16] needs 64 bytes of data, got 60");
    assertError(infer("{\"name\": \"INPUT0\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"data\": " + java.util.Arrays.toString(ramp(0))
        + ", \"parameters\": {\"shared_memory_region\": \"r\", \"shared_memory_byte_size\": 64}}," + inline, ""), 400,
        "input 'INPUT0' must have exactly one of 'data', parameters.binary_data_size and parameters.shared_memory_region, got 2");
    assertError(infer("{\"name\": \"INPUT0\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"parameters\": {\"shared_memory_region\": \"r\"}},"
        + inline, ""), 400, "input 'INPUT0': shared_memory_region is given without shared_memory_byte_size");
    assertError(infer(shmInput("r", 0, 64) + "," + inline,
        "{\"name\": \"OUTPUT0\", \"parameters\": {\"shared_memory_region\": \"r\", \"shared_memory_byte_size\": 32}}"), 400,
        "output 'OUTPUT0': shared_memory_byte_size 32 is too small for the result of 64 bytes");
    assertError(infer(shmInput("r", 0, 64) + "," + inline,
        "{\"name\": \"OUTPUT0\", \"parameters\": {\"shared_memory_region\": \"r\", \"shared_memory_byte_size\": 64, \"binary_data\": true}}"), 400,
        "output 'OUTPUT0': binary_data and shared_memory_region cannot be combined");
    assertError(infer(shmInput("r", 0, 64) + "," + inline,
        "{\"name\": \"OUTPUT0\", \"parameters\": {\"shared_memory_region\": \"r\", \"shared_memory_byte_size\": 64, \"classification\": 2}}"), 400,
        "output 'OUTPUT0': classification and shared_memory_region cannot be combined");

    assertEquals(200, rest.post("/v2/systemsharedmemory/region/r/unregister", "").status());
    assertError(infer(shmInput("r", 0, 64) + "," + inline, ""), 400,
        "input 'INPUT0': no shared memory region 'r' is registered");
  }

  @Test
  void cudaSharedMemoryIsRefusedClearly() {
    assertEquals("[]", rest.get("/v2/cudasharedmemory/status").json().toString());
    assertError(rest.post("/v2/cudasharedmemory/region/g/register",
        "{\"raw_handle\": {\"b64\": \"AAAA\"}, \"device_id\": 0, \"byte_size\": 64}"), 400,
        "CUDA shared memory is not supported by this server; use system shared memory");
    assertError(rest.get("/v2/cudasharedmemory/region/g/status"), 404, "no CUDA shared memory region 'g' is registered");
    assertEquals(200, rest.post("/v2/cudasharedmemory/unregister", "").status());
  }

  @Test
  void aServerWithClientShmOffRefusesIt() throws Exception {
    try (EdgeFixture off = EdgeFixture.start(new FakeGateway())) {
      ShmObject obj = object(64);
      assertFalse(off.rest.get("/v2").json().path("extensions").toString().contains("shared_memory"));
      RestClient.Response r = off.rest.post("/v2/systemsharedmemory/region/r/register",
          "{\"key\": \"" + obj.key + "\", \"offset\": 0, \"byte_size\": 64}");
      assertError(r, 403, "client shared memory is off on this server (edge.shared-memory.allow-client, EDGE_ALLOW_CLIENT_SHM)");
      assertError(off.rest.post("/v2/models/add_sub/infer", "{\"inputs\": [" + shmInput("r", 0, 64) + "]}"), 403,
          "client shared memory is off on this server (edge.shared-memory.allow-client, EDGE_ALLOW_CLIENT_SHM)");
    }
  }

  private ShmObject object(int bytes) throws Exception {
    ShmObject o = ShmObject.create(bytes);
    objects.add(o);
    return o;
  }

  private static RestClient.Response register(String name, ShmObject obj, long offset, long size) {
    return rest.post("/v2/systemsharedmemory/region/" + name + "/register",
        "{\"key\": \"" + obj.key + "\", \"offset\": " + offset + ", \"byte_size\": " + size + "}");
  }

  private static String shmInput(String region, long offset, long size) {
    return "{\"name\": \"INPUT0\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"parameters\": {\"shared_memory_region\": \""
        + region + "\", \"shared_memory_offset\": " + offset + ", \"shared_memory_byte_size\": " + size + "}}";
  }

  private static RestClient.Response infer(String inputs, String outputs) {
    return rest.post("/v2/models/add_sub/infer", "{\"inputs\": [" + inputs + "], \"outputs\": [" + outputs + "]}");
  }

  private static void assertError(RestClient.Response r, int status, String message) {
    assertEquals(status, r.status(), new String(r.body()));
    assertEquals(message, r.error());
  }

  private static JsonNode output(JsonNode response, String name) {
    for (JsonNode o : response.path("outputs")) if (o.path("name").asText().equals(name)) return o;
    throw new AssertionError("no output " + name + " in " + response);
  }

  static float[] ramp(float start) {
    float[] v = new float[ROW];
    for (int i = 0; i < ROW; i++) v[i] = start + i * 0.5f;
    return v;
  }

  static float[] sum(float[] a, float[] b) {
    float[] s = new float[a.length];
    for (int i = 0; i < a.length; i++) s[i] = a[i] + b[i];
    return s;
  }

  static float[] diff(float[] a, float[] b) {
    float[] s = new float[a.length];
    for (int i = 0; i < a.length; i++) s[i] = a[i] - b[i];
    return s;
  }
}
