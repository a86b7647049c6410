package io.inferencia.edge.kserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KServe control bodies (repository index and load, shared-memory registration, log settings) over
 * HTTP: a value of the wrong JSON type, an unknown or repeated field, or content after the object is a
 * 400 whose protocol error names the request and the field, without parser internals; nothing changes.
 */
class ControlBodiesRestTest {
  private static final Pattern INTERNALS = Pattern.compile("Exception|com\\.fasterxml|jackson|java\\.|`|CoercionConfig");
  private static final String REGISTER = "/v2/systemsharedmemory/region/typed/register";
  private static FakeGateway gateway;
  private static EdgeFixture edge;
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    gateway = new FakeGateway();
    edge = EdgeFixture.start(gateway, ConfigFactory.parseString("edge.shared-memory.allow-client = on"));
    rest = edge.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void registrationFieldsMustHaveTheirTypes() {
    assertInvalid(rest.post(REGISTER, "{\"key\": 5, \"byte_size\": 8}"), "register request: 'key' must be a string");
    assertInvalid(rest.post(REGISTER, "{\"key\": \"/x\", \"byte_size\": \"8\"}"), "register request: 'byte_size' must be an integer");
    assertInvalid(rest.post(REGISTER, "{\"key\": \"/x\", \"byte_size\": 8.5}"), "register request: 'byte_size' must be an integer");
    assertInvalid(rest.post(REGISTER, "{\"key\": \"/x\", \"offset\": true, \"byte_size\": 8}"),
        "register request: 'offset' must be an integer");
    assertInvalid(rest.post(REGISTER, "{\"kee\": \"/x\", \"byte_size\": 8}"),
        "register request: unknown field 'kee' (expected key, offset, byte_size)");
    assertInvalid(rest.post(REGISTER, "{\"key\": \"/x\", \"key\": \"/y\", \"byte_size\": 8}"), "register request: duplicate field 'key'");
    String one = "{\"key\": \"/x\", \"byte_size\": 8}";
    assertInvalid(rest.post(REGISTER, one + " {}"),
        "register request: unexpected content after the JSON object (line 1, column " + (one.length() + 2) + ")");
    assertInvalid(rest.post(REGISTER, "\"/x\""), "register request must be a JSON object");
    assertEquals(0, rest.get("/v2/systemsharedmemory/status").json().size(), "nothing was registered");
  }

  @Test
  void logSettingsRefuseRepeatedNamesAndTrailingContent() {
    assertInvalid(rest.post("/v2/logging", "{\"log_info\": true, \"log_info\": false}"), "log settings request: duplicate field 'log_info'");
    String iso = "{\"log_format\": \"ISO8601\"}";
    assertInvalid(rest.post("/v2/logging", iso + ", {}"),
        "log settings request: unexpected content after the JSON object (line 1, column " + (iso.length() + 1) + ")");
    assertEquals("default", rest.get("/v2/logging").json().path("log_format").asText(), "a refused request changes nothing");
  }

  @Test
  void loadParametersMustBeAnObjectOfScalarsOrTheConfigObject() {
    String toggle = "/v2/repository/models/toggle/load";
    assertInvalid(rest.post(toggle, "{\"parameters\": [\"config\"]}"), "load request: 'parameters' must be an object");
    assertInvalid(rest.post(toggle, "{\"parameters\": {\"config\": [\"{}\"]}}"),
        "load request: 'parameters.config' must be a string, number, boolean or object");
    assertInvalid(rest.post(toggle, "{\"parameter\": {}}"), "load request: unknown field 'parameter' (expected parameters)");
    // Triton sends the config as a JSON string; an object is the same config.
    assertEquals(200, rest.post(toggle, "{\"parameters\": {\"config\": {\"max_batch_size\": 2}}}").status());
    assertTrue(gateway.lastLoadConfig.get("toggle").contains("max_batch_size: 2"), gateway.lastLoadConfig.get("toggle"));
    assertEquals(200, rest.post(toggle, "").status());
  }

  @Test
  void indexReadyMustBeABoolean() {
    assertInvalid(rest.post("/v2/repository/index", "{\"ready\": \"yes\"}"), "index request: 'ready' must be true or false");
    assertInvalid(rest.post("/v2/repository/index", "{\"ready\": 1}"), "index request: 'ready' must be true or false");
    assertInvalid(rest.post("/v2/repository/index", "{\"ready\": true, \"all\": false}"),
        "index request: unknown field 'all' (expected ready)");
    assertEquals(200, rest.post("/v2/repository/index", "{\"ready\": true}").status());
  }

  private static void assertInvalid(RestClient.Response r, String error) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertEquals(400, r.status(), body);
    assertEquals(error, r.error());
    assertFalse(INTERNALS.matcher(body).find(), "no parser internals: " + body);
  }
}
