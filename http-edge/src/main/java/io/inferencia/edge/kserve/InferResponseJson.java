package io.inferencia.edge.kserve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.inferencia.edge.shm.ShmRef;
import io.inferencia.edge.shm.ShmSlice;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;

/**
 * Encodes an inference response: plain JSON, or (when any output is binary) the JSON header followed
 * by the binary outputs' raw bytes, with {@code Inference-Header-Content-Length} giving the header size.
 * Outputs bound for shared memory are written there and appear with their region and size, no data.
 */
final class InferResponseJson {
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  private InferResponseJson() {}

  static HttpResponse encode(InferResponse response, OutputPlan plan) {
    List<Tensor> binary = new ArrayList<>();
    byte[] header = header(response, plan, binary);
    if (binary.isEmpty()) {
      return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, header));
    }
    // A rope of the header and the tensors' own arrays: no copy of the (possibly large) outputs.
    ByteString body = ByteString.fromArrayUnsafe(header);
    for (Tensor t : binary) body = body.concat(ByteString.fromArrayUnsafe(t.data()));
    return HttpResponse.create()
        .addHeader(RawHeader.create(HEADER_LENGTH, Integer.toString(header.length)))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, body));
  }

  static byte[] header(InferResponse response, OutputPlan plan, List<Tensor> binaryOut) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint(response, plan));
    try (JsonGenerator g = Json.MAPPER.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("model_name", response.model());
      g.writeStringField("model_version", response.version());
      if (response.id() != null && !response.id().isEmpty()) g.writeStringField("id", response.id());
      g.writeArrayFieldStart("outputs");
      for (Tensor t : response.outputs()) {
        g.writeStartObject();
        g.writeStringField("name", t.name());
        g.writeStringField("datatype", t.datatype().wireName());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) g.writeNumber(d);
        g.writeEndArray();
        Optional<ShmSlice> shm = plan.shm().of(t.name());
        if (shm.isPresent()) {
          shm.get().write(t.data());
          g.writeObjectFieldStart("parameters");
          g.writeStringField(ShmRef.REGION, shm.get().regionName());
          g.writeNumberField(ShmRef.BYTE_SIZE, t.data().length);
          if (shm.get().offset() != 0) g.writeNumberField(ShmRef.OFFSET, shm.get().offset());
          g.writeEndObject();
        } else if (plan.binary(t.name())) {
          g.writeObjectFieldStart("parameters");
          g.writeNumberField(InferRequestJson.BINARY_DATA_SIZE, t.data().length);
          g.writeEndObject();
          binaryOut.add(t);
        } else {
          g.writeFieldName("data");
          JsonTensorData.write(g, t);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Room for the JSON numbers at about three characters per byte of data (a float is 4 bytes and
   * usually 10-14 characters), so a large answer is written without the buffer doubling up to it.
   */
  private static int sizeHint(InferResponse response, OutputPlan plan) {
    long hint = 256;
    for (Tensor t : response.outputs())
      if (plan.shm().of(t.name()).isEmpty() && !plan.binary(t.name())) hint += 3L * t.data().length;
    return (int) Math.min(hint, 64L << 20);
  }
}
