package io.inferencia.edge.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.grpc.LogSettingsRequest;
import io.inferencia.protocols.grpc.LogSettingsResponse;
import io.inferencia.protocols.grpc.ServerMetadataRequest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Triton's logging extension over REST and gRPC, checked against the logback levels it drives (the
 * tests' logback starts at WARN: info off, warnings and errors on).
 */
class LoggingExtensionTest {
  private static final String RESTORE = "{\"log_info\": false, \"log_verbose_level\": 0, \"log_format\": \"default\"}";
  private static EdgeFixture edge;
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(new FakeGateway());
    rest = edge.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @AfterEach
  void restore() {
    assertEquals(200, rest.post("/v2/logging", RESTORE).status());
  }

  @Test
  void restReadsAndChangesTheSettings() {
    JsonNode now = rest.get("/v2/logging").json();
    assertEquals("{\"log_file\":\"\",\"log_info\":false,\"log_warnings\":true,\"log_errors\":true,"
        + "\"log_verbose_level\":0,\"log_format\":\"default\"}", now.toString());
    assertFalse(LoggerFactory.getLogger("any").isInfoEnabled());

    JsonNode verbose = rest.post("/v2/logging", "{\"log_info\": true, \"log_verbose_level\": 1}").json();
    assertTrue(verbose.path("log_info").asBoolean());
    assertEquals(1, verbose.path("log_verbose_level").asInt());
    assertEquals("default", verbose.path("log_format").asText(), "settings not sent stay as they were");
    assertTrue(LoggerFactory.getLogger("any").isDebugEnabled());
    assertFalse(LoggerFactory.getLogger("any").isTraceEnabled());

    assertEquals("ISO8601", rest.post("/v2/logging", "{\"log_format\": \"ISO8601\"}").json().path("log_format").asText());
    assertTrue(rest.get("/v2").json().path("extensions").toString().contains("\"logging\""));
  }

  @Test
  void restRefusesWhatLogbackCannotDo() {
    assertError(rest.post("/v2/logging", "{\"log_verbose_level\": 2}"), "log_verbose_level > 0 needs log_info (log levels are a threshold here)");
    assertError(rest.post("/v2/logging", "{\"log_verbose_level\": -1}"), "log setting 'log_verbose_level' must be a non-negative integer, got -1");
    assertError(rest.post("/v2/logging", "{\"log_info\": \"yes\"}"), "log setting 'log_info' must be true or false, got yes");
    assertError(rest.post("/v2/logging", "{\"log_file\": \"/tmp/triton.log\"}"),
        "log_file cannot be changed at run time: the node logs to standard output (see logback.xml)");
    assertError(rest.post("/v2/logging", "{\"log_format\": \"json\"}"), "log_format must be 'default' or 'ISO8601', got 'json'");
    assertError(rest.post("/v2/logging", "{\"log_colour\": true}"),
        "unknown log setting 'log_colour' (log_file, log_info, log_warnings, log_errors, log_verbose_level, log_format)");
    assertError(rest.post("/v2/logging", "[1]"), "log settings request must be a JSON object");
    assertFalse(rest.get("/v2/logging").json().path("log_info").asBoolean(), "a refused request changes nothing");
  }

  @Test
  void grpcReadsAndChangesTheSettings() throws Exception {
    var grpc = edge.grpc;
    LogSettingsResponse now = grpc.logSettings(LogSettingsRequest.getDefaultInstance()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertFalse(now.getSettingsOrThrow("log_info").getBoolParam());
    assertEquals(0, now.getSettingsOrThrow("log_verbose_level").getUint32Param());

    LogSettingsResponse changed = grpc.logSettings(LogSettingsRequest.newBuilder()
        .putSettings("log_info", LogSettingsRequest.SettingValue.newBuilder().setBoolParam(true).build())
        .putSettings("log_verbose_level", LogSettingsRequest.SettingValue.newBuilder().setUint32Param(2).build())
        .build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(2, changed.getSettingsOrThrow("log_verbose_level").getUint32Param());
    assertTrue(LoggerFactory.getLogger("any").isTraceEnabled());

    ExecutionException e = assertThrows(ExecutionException.class, () -> grpc.logSettings(LogSettingsRequest.newBuilder()
        .putSettings("log_warnings", LogSettingsRequest.SettingValue.newBuilder().setUint32Param(1).build())
        .build()).toCompletableFuture().get(10, TimeUnit.SECONDS));
    StatusRuntimeException s = assertInstanceOf(StatusRuntimeException.class, e.getCause());
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getStatus().getCode());
    assertEquals("log setting 'log_warnings' must be true or false, got 1", s.getStatus().getDescription());
    assertTrue(grpc.serverMetadata(ServerMetadataRequest.getDefaultInstance()).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getExtensionsList().contains("logging"));
  }

  private static void assertError(RestClient.Response r, String message) {
    assertEquals(400, r.status(), new String(r.body()));
    assertEquals(message, r.error());
  }
}
