package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import io.inferencia.node.testkit.ShippedConfig;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.config.InvalidSettingException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the node checks before it starts anything: every section its services read, through the shipped
 * .conf files, with one bad environment variable at a time. Each is refused with the variable's name and
 * what it accepts.
 */
class StartupSettingsTest {

  private static String refused(String variable, String value) {
    Map<String, String> env = new HashMap<>(Map.of("MODEL_REPOSITORY", TestModels.repository().toString()));
    env.put(variable, value);
    Config config = ShippedConfig.withEnv(env);
    return assertThrows(InvalidSettingException.class,
        () -> Main.checkTheOtherSections(config, NodeSettings.from(config))).getMessage();
  }

  @Test
  void theShippedDefaultsPass() {
    Config config = ShippedConfig.withEnv(Map.of("MODEL_REPOSITORY", TestModels.repository().toString()));
    Main.checkTheOtherSections(config, NodeSettings.from(config));
  }

  @Test
  void strictReadinessIsABoolean() {
    assertEquals("STRICT_READINESS (inference.strict-readiness): 'maybe' is not a boolean (accepts on/off, true/false, yes/no)",
        refused("STRICT_READINESS", "maybe"));
  }

  @Test
  void uploadUrlTtlIsADuration() {
    assertEquals("UPLOAD_URL_TTL (uploads.url-ttl): 'banana' is not a duration (accepts e.g. 500ms, 30s, 15m, 1h)",
        refused("UPLOAD_URL_TTL", "banana"));
  }

  @Test
  void jobWorkerParallelismIsPositive() {
    assertEquals("JOB_WORKER_PARALLELISM (jobs.worker.parallelism): '-1' is not a whole number of at least 1",
        refused("JOB_WORKER_PARALLELISM", "-1"));
  }

  @Test
  void portsAreChecked() {
    assertEquals("HTTP_PORT (edge.http-port): '80a' is not a port number (accepts 0-65535)", refused("HTTP_PORT", "80a"));
    assertEquals("GRPC_PORT (edge.grpc-port): '70000' is not a port number (accepts 0-65535)", refused("GRPC_PORT", "70000"));
  }

  @Test
  void sizesAndTheRestAreChecked() {
    assertEquals("UPLOAD_PART_SIZE (uploads.part-size): '1MiB' is below the least accepted size, 5242880 bytes",
        refused("UPLOAD_PART_SIZE", "1MiB"));
    assertEquals("JOB_LIMIT_OCR (jobs.limits.ocr): 'big' is not a size (accepts e.g. 64MiB, 512k, 1048576)",
        refused("JOB_LIMIT_OCR", "big"));
    assertEquals("JOB_WORKER_ENABLED (jobs.worker.enabled): 'sometimes' is not a boolean (accepts on/off, true/false, yes/no)",
        refused("JOB_WORKER_ENABLED", "sometimes"));
    assertEquals("EDGE_REQUEST_TIMEOUT (edge.request-timeout): '0s' must be longer than zero",
        refused("EDGE_REQUEST_TIMEOUT", "0s"));
    assertEquals("API_KEYS (api.keys-list): entry 'secret' is not key:tenant[:roles] (accepts key1:tenant1,key2:tenant2:admin+infer+jobs)",
        refused("API_KEYS", "secret"));
    assertEquals("INFERENCE_CPU_CORES (inference.cpu-cores): '-2' is not a whole number of at least 0",
        refused("INFERENCE_CPU_CORES", "-2"));
  }
}
