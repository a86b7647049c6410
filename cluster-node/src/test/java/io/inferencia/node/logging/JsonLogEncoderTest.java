package io.inferencia.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLogEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LoggerContext context = new LoggerContext();

  private JsonNode encode(LoggingEvent event) throws Exception {
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    return JSON.readTree(line);
  }

  @Test
  void aLineIsOneJsonObjectWithTheMdcAndTheException() throws Exception {
    LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("io.inferencia.Some"), Level.WARN,
        "job {} said \"{}\"\nand more", new IllegalStateException("broken"), new Object[] {"j-1", "quote"});
    event.setMDCPropertyMap(Map.of("pekkoSource", "pekko://inferencia/user/x", "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736",
        "span_id", "00f067aa0ba902b7"));
    JsonNode line = encode(event);
    assertEquals("WARN", line.get("level").asText());
    assertEquals("io.inferencia.Some", line.get("logger").asText());
    assertEquals("job j-1 said \"quote\"\nand more", line.get("message").asText());
    assertEquals("pekko://inferencia/user/x", line.get("pekkoSource").asText());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", line.get("trace_id").asText());
    assertEquals("00f067aa0ba902b7", line.get("span_id").asText());
    assertTrue(line.get("exception").asText().contains("IllegalStateException: broken"), line.toString());
    assertTrue(line.get("timestamp").asText().endsWith("Z"), line.toString());
  }

  @Test
  void aLineOutsideAnySpanHasNoTraceIds() throws Exception {
    LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("x"), Level.INFO, "plain", null, null);
    event.setMDCPropertyMap(Map.of());
    JsonNode line = encode(event);
    assertFalse(line.has("trace_id"), line.toString());
    assertFalse(line.has("exception"), line.toString());
  }
}
