package io.inferencia.edge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;

/**
 * A KServe v2 REST inference request body: JSON only, or (when any input is binary) Triton's JSON
 * header followed by raw input bytes. Build it with {@link #builder()}.
 */
public record InferBody(byte[] bytes, OptionalInt headerLength) {

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private final ObjectNode root = RestClient.JSON.createObjectNode();
    private final ArrayNode inputs = root.putArray("inputs");
    private ArrayNode outputs;
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private boolean anyBinary;

    public Builder id(String id) {
      root.put("id", id);
      return this;
    }

    /** A numeric request parameter, e.g. Triton's {@code sequence_id}. */
    public Builder parameter(String name, long value) {
      params().put(name, value);
      return this;
    }

    /** A request parameter, e.g. {@code binary_data_output}. */
    public Builder parameter(String name, boolean value) {
      params().put(name, value);
      return this;
    }

    /** A JSON input; {@code data} is any JSON value (flat or nested array). */
    public Builder input(String name, String datatype, long[] shape, JsonNode data) {
      ObjectNode in = inputs.addObject().put("name", name).put("datatype", datatype);
      ArrayNode s = in.putArray("shape");
      for (long d : shape) s.add(d);
      in.set("data", data);
      return this;
    }

    public Builder input(String name, String datatype, long[] shape, float... data) {
      ArrayNode a = RestClient.JSON.createArrayNode();
      for (float f : data) a.add(f);
      return input(name, datatype, shape, a);
    }

    public Builder stringInput(String name, long[] shape, String... data) {
      ArrayNode a = RestClient.JSON.createArrayNode();
      for (String s : data) a.add(s);
      return input(name, "BYTES", shape, a);
    }

    /** A binary input: raw little-endian bytes (BYTES: length-prefixed elements) after the header. */
    public Builder binaryInput(String name, String datatype, long[] shape, byte[] raw) {
      return binaryInput(name, datatype, shape, raw, raw.length);
    }

    /** A binary input that declares {@code declaredSize}, which may differ from the bytes sent. */
    public Builder binaryInput(String name, String datatype, long[] shape, byte[] raw, long declaredSize) {
      ObjectNode in = inputs.addObject().put("name", name).put("datatype", datatype);
      ArrayNode s = in.putArray("shape");
      for (long d : shape) s.add(d);
      in.putObject("parameters").put("binary_data_size", declaredSize);
      binary.writeBytes(raw);
      anyBinary = true;
      return this;
    }

    /** Appends bytes no input declares (to test the server's checks). */
    public Builder extraBinary(byte[] raw) {
      binary.writeBytes(raw);
      anyBinary = true;
      return this;
    }

    public Builder output(String name) {
      outputs().addObject().put("name", name);
      return this;
    }

    /** An output asked for as Triton's classification extension: the top {@code count} classes. */
    public Builder classification(String name, int count) {
      outputs().addObject().put("name", name).putObject("parameters").put("classification", count);
      return this;
    }

    public Builder output(String name, boolean binaryData) {
      outputs().addObject().put("name", name).putObject("parameters").put("binary_data", binaryData);
      return this;
    }

    public ObjectNode json() {
      return root;
    }

    public InferBody build() {
      try {
        byte[] header = RestClient.JSON.writeValueAsBytes(root);
        if (!anyBinary) return new InferBody(header, OptionalInt.empty());
        ByteArrayOutputStream all = new ByteArrayOutputStream(header.length + binary.size());
        all.writeBytes(header);
        all.writeBytes(binary.toByteArray());
        return new InferBody(all.toByteArray(), OptionalInt.of(header.length));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private ObjectNode params() {
      return root.has("parameters") ? (ObjectNode) root.get("parameters") : root.putObject("parameters");
    }

    private ArrayNode outputs() {
      if (outputs == null) outputs = root.putArray("outputs");
      return outputs;
    }
  }
}
