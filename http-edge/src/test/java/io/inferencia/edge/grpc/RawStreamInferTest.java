package io.inferencia.edge.grpc;

import static io.inferencia.edge.testkit.RawGrpc.frame;
import static io.inferencia.edge.testkit.RawGrpc.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcEdge;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RawGrpc;
import io.inferencia.protocols.grpc.GRPCInferenceService;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelStreamInferResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ModelStreamInfer over a hand-written HTTP/2 call: gzip messages are inflated within the request
 * limit before Pekko gRPC sees them (one that would inflate past it ends the stream with
 * RESOURCE_EXHAUSTED after the answers before it), and the call's deadline reaches each request.
 */
class RawStreamInferTest {
  private static final String PATH = "/" + GRPCInferenceService.name + "/ModelStreamInfer";
  private static final long[] ONE_ROW = {1, FakeGateway.ADD_SUB_WIDTH};
  @RegisterExtension static final GrpcEdge edge = new GrpcEdge();

  @Test
  void gzipMessagesOnAStreamAreAnswered() throws Exception {
    byte[] body = concat(frame(1, gzip(request("one", 1).toByteArray())), frame(0, request("two", 2).toByteArray()),
        frame(1, gzip(request("three", 3).toByteArray())));
    RawGrpc.Answer answer = edge.read(edge.post(PATH, body, Optional.of("gzip")));
    assertEquals("0", answer.trailer("grpc-status"));
    List<ModelStreamInferResponse> responses = responses(answer.data());
    assertEquals(List.of("one", "two", "three"), responses.stream().map(r -> r.getInferResponse().getId()).toList());
    float[] a = Raw.ramp(16, 3);
    float[] sum = new float[16];
    for (int i = 0; i < 16; i++) sum[i] = 2 * a[i];
    assertArrayEquals(sum, Raw.floats(GrpcInfer.rawOutput(responses.get(2).getInferResponse(), "OUTPUT0")));
  }

  @Test
  void aMessageInflatingPastTheLimitEndsTheStreamAfterTheEarlierAnswers() throws Exception {
    byte[] body = concat(frame(1, gzip(request("first", 1).toByteArray())),
        frame(1, UnaryInferHandlerTest.gzippedZeros(64L << 20)));
    RawGrpc.Answer answer = edge.read(edge.post(PATH, body, Optional.of("gzip")));
    assertEquals(String.valueOf(Status.Code.RESOURCE_EXHAUSTED.value()), answer.trailer("grpc-status"));
    assertTrue(answer.trailer("grpc-message").contains("decompresses to more than the limit of 1048576 bytes"),
        answer.trailer("grpc-message"));
    assertEquals(List.of("first"), responses(answer.data()).stream().map(r -> r.getInferResponse().getId()).toList());
  }

  @Test
  void theStreamsDeadlineReachesEachRequestAsTheTimeLeft() throws Exception {
    ModelInferRequest.Builder req = GrpcInfer.request("client_timeout", "");
    GrpcInfer.addRaw(req, "X", "FP32", new long[] {1}, Raw.floats(new float[] {0}));
    byte[] body = concat(frame(0, req.setId("a").build().toByteArray()), frame(0, req.setId("b").build().toByteArray()));
    RawGrpc.Answer timed = edge.read(edge.post(PATH, body, Optional.empty(),
        List.of(org.apache.pekko.http.javadsl.model.headers.RawHeader.create("grpc-timeout", "2S"))));
    assertEquals("0", timed.trailer("grpc-status"));
    for (ModelStreamInferResponse r : responses(timed.data())) {
      long seen = ByteBuffer.wrap(GrpcInfer.rawOutput(r.getInferResponse(), "CLIENT_TIMEOUT_US")).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      assertTrue(seen > 0 && seen <= 2_000_000, "what is left of the 2 s deadline: " + seen);
    }
    RawGrpc.Answer untimed = edge.read(edge.post(PATH, body, Optional.empty()));
    long seen = ByteBuffer.wrap(GrpcInfer.rawOutput(responses(untimed.data()).get(0).getInferResponse(), "CLIENT_TIMEOUT_US"))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, seen, "no deadline, no limit");
  }

  private static ModelInferRequest request(String id, int seed) {
    ModelInferRequest.Builder req = GrpcInfer.request("add_sub", "").setId(id);
    GrpcInfer.addRaw(req, "INPUT0", "FP32", ONE_ROW, Raw.floats(Raw.ramp(16, seed)));
    GrpcInfer.addRaw(req, "INPUT1", "FP32", ONE_ROW, Raw.floats(Raw.ramp(16, seed)));
    return req.build();
  }

  private static List<ModelStreamInferResponse> responses(ByteString data) throws Exception {
    List<ModelStreamInferResponse> out = new ArrayList<>();
    ByteBuffer buffer = data.asByteBuffer();
    while (buffer.hasRemaining()) {
      assertEquals(0, buffer.get(), "answers are not compressed");
      byte[] message = new byte[buffer.getInt()];
      buffer.get(message);
      out.add(ModelStreamInferResponse.parseFrom(message));
    }
    return out;
  }

  private static byte[] concat(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) out.writeBytes(f);
    return out.toByteArray();
  }
}
