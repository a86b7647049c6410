package io.inferencia.edge.kserve;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.shm.SharedMemoryRegions;
import io.inferencia.edge.shm.ShmOutputs;
import io.inferencia.edge.shm.ShmRef;
import io.inferencia.edge.shm.ShmSlice;
import io.inferencia.edge.tensor.TensorChecks;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes a KServe v2 REST inference request: the JSON header (streamed, so tensor data is not built
 * as a tree) and, with Triton's binary tensor extension, the raw input bytes that follow it.
 */
final class InferRequestJson {
  static final String BINARY_DATA_SIZE = "binary_data_size";
  static final String BINARY_DATA = "binary_data";
  static final String CLASSIFICATION = "classification";
  static final String BINARY_DATA_OUTPUT = "binary_data_output";

  private InferRequestJson() {}

  record Decoded(InferRequest request, OutputPlan plan) {}

  /**
   * One input as the JSON header declares it; data is raw already, comes from the binary section
   * ({@code binarySize} >= 0) or from shared memory ({@code shm} not null).
   */
  private record InputDecl(String name, DataType type, long[] shape, JsonTensorData.Raw data, long binarySize, ShmRef shm) {}

  /**
   * @param body the whole request body
   * @param headerLength length of the JSON header; the rest of the body is binary tensor data
   */
  static Decoded decode(String model, String version, byte[] body, int headerLength, SharedMemoryRegions regions) {
    if (headerLength < 0 || headerLength > body.length)
      throw invalid("Inference-Header-Content-Length " + headerLength + " is outside the body of "
          + body.length + " bytes");
    String id = "";
    JsonNode parameters = null;
    JsonNode outputs = null;
    List<InputDecl> inputs = null;
    try (JsonParser p = Json.MAPPER.createParser(body, 0, headerLength)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw invalid("inference request must be a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "id" -> id = p.getValueAsString("");
          case "parameters" -> parameters = Json.MAPPER.readTree(p);
          case "outputs" -> outputs = Json.MAPPER.readTree(p);
          case "inputs" -> inputs = readInputs(p);
          default -> p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw invalid("malformed JSON in inference request: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid("unreadable inference request: " + e.getMessage());
    }
    if (inputs == null || inputs.isEmpty()) throw invalid("inference request has no 'inputs'");
    List<Tensor> tensors = attachData(inputs, body, headerLength, regions);
    Map<String, Integer> classifications = classifications(outputs);
    OutputPlan plan = outputPlan(parameters, outputs, classifications, regions);
    InferRequest request = new InferRequest(
        model, version, id, tensors, outputs == null ? List.of() : requestedNames(outputs),
        domainParameters(parameters), timeoutMicros(parameters)).withClassifications(classifications);
    return new Decoded(request, plan);
  }

  private static List<InputDecl> readInputs(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) throw invalid("'inputs' must be an array");
    List<InputDecl> inputs = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) inputs.add(readInput(p, inputs.size()));
    if (p.currentToken() != JsonToken.END_ARRAY) throw invalid("'inputs' must hold only objects");
    return inputs;
  }

  private static InputDecl readInput(JsonParser p, int index) throws IOException {
    String name = null;
    String datatype = null;
    long[] shape = null;
    JsonTensorData.Raw data = null;
    JsonNode deferredData = null;
    JsonNode parameters = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "name" -> name = p.getValueAsString();
        case "datatype" -> datatype = p.getValueAsString();
        case "shape" -> shape = readShape(p, name == null ? "#" + index : name);
        case "parameters" -> parameters = Json.MAPPER.readTree(p);
        case "data" -> {
          String label = name == null ? "#" + index : name;
          if (datatype != null)
            data = JsonTensorData.read(p, label, TensorChecks.datatype("input", label, datatype), sizeHint(shape));
          else deferredData = Json.MAPPER.readTree(p); // rare: data before datatype
        }
        default -> p.skipChildren();
      }
    }
    if (name == null || name.isEmpty()) throw invalid("input #" + index + " has no 'name'");
    DataType type = TensorChecks.datatype("input", name, datatype);
    if (shape == null) throw invalid("input '" + name + "' has no 'shape'");
    if (deferredData != null) {
      try (JsonParser again = deferredData.traverse(Json.MAPPER)) {
        again.nextToken();
        data = JsonTensorData.read(again, name, type, sizeHint(shape));
      }
    }
    if (parameters != null && !parameters.isObject()) throw invalid("input '" + name + "': 'parameters' must be an object");
    long binarySize = parameters == null ? -1 : binaryDataSize(parameters, name);
    ShmRef shm = shmRef("input '" + name + "'", parameters).orElse(null);
    int sources = (data != null ? 1 : 0) + (binarySize >= 0 ? 1 : 0) + (shm != null ? 1 : 0);
    if (sources != 1)
      throw invalid("input '" + name + "' must have exactly one of 'data', parameters." + BINARY_DATA_SIZE
          + " and parameters." + ShmRef.REGION + ", got " + (sources == 0 ? "none" : sources));
    if (data != null) TensorChecks.checkElementCount(name, shape, data.elements());
    return new InputDecl(name, type, shape, data, binarySize, shm);
  }

  /** Expected element count when the shape came first (the usual order), to size the buffer once. */
  private static long sizeHint(long[] shape) {
    if (shape == null) return 0;
    long n = 1;
    for (long d : shape) {
      if (d < 0 || n > (1L << 28)) return 0; // bad shapes are reported later; huge hints are not trusted
      n *= d;
    }
    return n;
  }

  private static long[] readShape(JsonParser p, String tensor) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) throw invalid("input '" + tensor + "': 'shape' must be an array");
    long[] dims = new long[4];
    int n = 0;
    while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
      if (n == dims.length) dims = Arrays.copyOf(dims, n * 2);
      dims[n++] = p.getLongValue();
    }
    if (p.currentToken() != JsonToken.END_ARRAY)
      throw invalid("input '" + tensor + "': 'shape' must hold only integers, got " + p.getText());
    return Arrays.copyOf(dims, n);
  }

  private static long binaryDataSize(JsonNode parameters, String tensor) {
    JsonNode size = parameters.get(BINARY_DATA_SIZE);
    if (size == null) return -1;
    if (!size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0)
      throw invalid("input '" + tensor + "': " + BINARY_DATA_SIZE + " must be a non-negative integer, got " + size);
    return size.asLong();
  }

  /** Takes each binary input's bytes from the section after the header, in declaration order. */
  private static List<Tensor> attachData(List<InputDecl> inputs, byte[] body, int headerLength, SharedMemoryRegions regions) {
    List<Tensor> tensors = new ArrayList<>(inputs.size());
    long offset = headerLength;
    for (InputDecl in : inputs) {
      if (in.data() != null) {
        tensors.add(new Tensor(in.name(), in.type(), in.shape(), in.data().bytes()));
        continue;
      }
      if (in.shm() != null) {
        String tensor = "input '" + in.name() + "'";
        tensors.add(TensorChecks.fromRaw(in.name(), in.type(), in.shape(), regions.slice(in.shm(), tensor).read()));
        continue;
      }
      long left = body.length - offset;
      if (in.binarySize() > left)
        throw invalid("input '" + in.name() + "': " + BINARY_DATA_SIZE + " is " + in.binarySize()
            + " but only " + left + " bytes of binary data remain");
      byte[] raw = Arrays.copyOfRange(body, (int) offset, (int) (offset + in.binarySize()));
      offset += in.binarySize();
      tensors.add(TensorChecks.fromRaw(in.name(), in.type(), in.shape(), raw));
    }
    if (offset != body.length)
      throw invalid("binary tensor data has " + (body.length - offset)
          + " bytes that no input claims with " + BINARY_DATA_SIZE);
    return tensors;
  }

  private static OutputPlan outputPlan(JsonNode parameters, JsonNode outputs, Map<String, Integer> classifications,
      SharedMemoryRegions regions) {
    boolean byDefault = parameters != null && bool(parameters.get(BINARY_DATA_OUTPUT), BINARY_DATA_OUTPUT);
    Map<String, Boolean> perOutput = new LinkedHashMap<>();
    Map<String, ShmSlice> shm = new HashMap<>();
    if (outputs != null) {
      if (!outputs.isArray()) throw invalid("'outputs' must be an array");
      for (JsonNode o : outputs) {
        String name = o.path("name").asText("");
        if (name.isEmpty()) throw invalid("every requested output needs a 'name'");
        JsonNode binary = o.path("parameters").get(BINARY_DATA);
        Optional<ShmRef> ref = shmRef("output '" + name + "'", o.get("parameters"));
        if (ref.isPresent()) {
          // As Triton: shared memory replaces the response bytes, and a classification is not placed there.
          if (binary != null && bool(binary, BINARY_DATA))
            throw invalid("output '" + name + "': binary_data and " + ShmRef.REGION + " cannot be combined");
          if (classifications.containsKey(name))
            throw invalid("output '" + name + "': classification and " + ShmRef.REGION + " cannot be combined");
          shm.put(name, regions.slice(ref.get(), "output '" + name + "'"));
        }
        perOutput.put(name, binary == null ? byDefault : bool(binary, BINARY_DATA));
      }
    }
    return new OutputPlan(byDefault, perOutput, shm.isEmpty() ? ShmOutputs.NONE : new ShmOutputs(shm));
  }

  /** Triton's shared memory parameters of one tensor: a string region, integer offset and byte size. */
  private static Optional<ShmRef> shmRef(String tensor, JsonNode parameters) {
    if (parameters == null || !parameters.isObject()) return Optional.empty();
    JsonNode region = parameters.get(ShmRef.REGION);
    if (region != null && !region.isTextual())
      throw invalid(tensor + ": parameter '" + ShmRef.REGION + "' must be a string, got " + region);
    return ShmRef.of(tensor, region == null ? null : region.asText(),
        integer(tensor, ShmRef.OFFSET, parameters.get(ShmRef.OFFSET)),
        integer(tensor, ShmRef.BYTE_SIZE, parameters.get(ShmRef.BYTE_SIZE)));
  }

  private static Long integer(String tensor, String name, JsonNode v) {
    if (v == null) return null;
    if (!v.isIntegralNumber()) throw invalid(tensor + ": parameter '" + name + "' must be an integer, got " + v);
    return v.canConvertToLong() ? v.asLong() : Long.MAX_VALUE;
  }

  /** Triton's classification extension: {"name": ..., "parameters": {"classification": n}}. */
  private static Map<String, Integer> classifications(JsonNode outputs) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (outputs == null) return out;
    for (JsonNode o : outputs) {
      JsonNode n = o.path("parameters").get(CLASSIFICATION);
      if (n == null) continue;
      if (!n.canConvertToInt() || !n.isIntegralNumber())
        throw invalid("output '" + o.path("name").asText() + "': parameter 'classification' must be an integer, got " + n);
      out.put(o.path("name").asText(), n.intValue());
    }
    return out;
  }

  private static List<String> requestedNames(JsonNode outputs) {
    List<String> names = new ArrayList<>();
    for (JsonNode o : outputs) names.add(o.path("name").asText());
    return names;
  }

  private static boolean bool(JsonNode v, String what) {
    if (v == null) return false;
    if (!v.isBoolean()) throw invalid("parameter '" + what + "' must be true or false, got " + v);
    return v.booleanValue();
  }

  /** Request parameters for the core, as strings; the binary-encoding ones are the edge's own business. */
  private static Map<String, String> domainParameters(JsonNode parameters) {
    if (parameters == null) return Map.of();
    if (!parameters.isObject()) throw invalid("'parameters' must be an object");
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : parameters.properties())
      if (!e.getKey().equals(BINARY_DATA_OUTPUT)) out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
    return out;
  }

  /** Triton's per-request queue timeout parameter, in microseconds. */
  private static long timeoutMicros(JsonNode parameters) {
    JsonNode t = parameters == null ? null : parameters.get("timeout");
    return t != null && t.canConvertToLong() ? Math.max(0, t.asLong()) : 0;
  }
}
