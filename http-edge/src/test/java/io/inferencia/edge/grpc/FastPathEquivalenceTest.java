package io.inferencia.edge.grpc;

import static io.inferencia.edge.testkit.RawGrpc.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcEdge;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.RawGrpc;
import io.inferencia.protocols.grpc.InferParameter;
import io.inferencia.protocols.grpc.InferTensorContents;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.inference.DataType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pins the fast unary ModelInfer to the generated Pekko gRPC handler: a corpus of calls (raw and typed
 * contents of every datatype, parameters, gzip and deflate messages, and malformed ones) goes to an
 * edge that serves ModelInfer on the fast path and to one that serves it only through the generated
 * handler (compressed responses allowed), and each pair of answers must agree byte for byte: status,
 * grpc-message and the response message.
 */
class FastPathEquivalenceTest {
  private static final String PATH = "/inference.GRPCInferenceService/ModelInfer";
  @RegisterExtension static final GrpcEdge fast = new GrpcEdge();
  @RegisterExtension static final GrpcEdge generated = new GrpcEdge(ConfigFactory.parseString("edge.grpc-compress-responses = on"));

  /** One call of the corpus: its body and grpc-encoding. */
  record Call(byte[] body, Optional<String> encoding) {}

  /** What a client sees of an answer. */
  record Seen(String status, String message, ByteString data, boolean fastPath) {}

  @Test
  void everyCallOfTheCorpusIsAnsweredAlikeByBothPaths() throws Exception {
    int succeeded = 0;
    for (Map.Entry<String, Call> c : corpus().entrySet()) {
      Seen a = send(fast, c.getValue());
      Seen b = send(generated, c.getValue());
      assertEquals(b.status(), a.status(), c.getKey() + ": status");
      assertEquals(b.message(), a.message(), c.getKey() + ": grpc-message");
      assertEquals(b.data(), a.data(), c.getKey() + ": response bytes");
      if (a.status().equals("0")) {
        succeeded++;
        assertTrue(a.fastPath() && !b.fastPath(), c.getKey() + ": answered by the fast path on one edge, the generated handler on the other");
      }
    }
    assertTrue(succeeded >= 20, "the corpus holds successful calls of every datatype: " + succeeded);
  }

  private static Map<String, Call> corpus() {
    Map<String, Call> calls = new LinkedHashMap<>();
    for (DataType type : DataType.values()) {
      calls.put("raw " + type, plain(raw(type)));
      calls.put("typed " + type, plain(typed(type)));
    }
    ModelInferRequest addSub = addSub();
    calls.put("add_sub with parameters and requested output", plain(addSub.toBuilder()
        .setId("req-7")
        .putParameters("priority", InferParameter.newBuilder().setInt64Param(2).build())
        .putParameters("tag", InferParameter.newBuilder().setStringParam("x").build())
        .putParameters("binary_data_output", InferParameter.newBuilder().setBoolParam(true).build())
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("OUTPUT1"))
        .build()));
    calls.put("gzip", new Call(frame(1, RawGrpc.gzip(addSub.toByteArray())), Optional.of("gzip")));
    calls.put("deflate", new Call(frame(1, RawGrpc.deflate(addSub.toByteArray())), Optional.of("deflate")));
    calls.put("unknown model", plain(addSub.toBuilder().setModelName("no_such_model").build()));
    calls.put("unknown version", plain(addSub.toBuilder().setModelVersion("9").build()));
    calls.put("wrong data size", plain(GrpcInfer.addRaw(GrpcInfer.request("identity", ""), "X", "FP32",
        new long[] {3}, new byte[5]).build()));
    calls.put("overflowing shape", plain(GrpcInfer.addRaw(GrpcInfer.request("identity", ""), "X", "FP32",
        new long[] {1L << 32, 1L << 32}, new byte[4]).build()));
    calls.put("typed contents of the wrong field", plain(GrpcInfer.addTyped(GrpcInfer.request("identity", ""), "X", "INT32",
        new long[] {1}, GrpcInfer.fp32(1f)).build()));
    calls.put("unknown datatype", plain(GrpcInfer.addRaw(GrpcInfer.request("identity", ""), "X", "FP8",
        new long[] {1}, new byte[1]).build()));
    calls.put("queue full", plain(GrpcInfer.addRaw(GrpcInfer.request("busy", ""), "X", "FP32", new long[] {1}, new byte[4]).build()));
    // Malformed: the fast path leaves these to the checks in front of the generated handler.
    calls.put("truncated frame", new Call(new byte[] {0, 0, 0, 0, 9, 1, 2, 3}, Optional.empty()));
    calls.put("not protobuf", new Call(frame(0, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}), Optional.empty()));
    calls.put("empty body", new Call(new byte[0], Optional.empty()));
    calls.put("two messages", new Call(concat(frame(0, addSub.toByteArray()), frame(0, addSub.toByteArray())), Optional.empty()));
    calls.put("corrupt gzip", new Call(frame(1, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3}), Optional.of("gzip")));
    calls.put("compressed without encoding", new Call(frame(1, RawGrpc.gzip(addSub.toByteArray())), Optional.empty()));
    return calls;
  }

  private static Call plain(ModelInferRequest request) {
    return new Call(frame(0, request.toByteArray()), Optional.empty());
  }

  private static ModelInferRequest addSub() {
    ByteBuffer a = ByteBuffer.allocate(4 * FakeGateway.ADD_SUB_WIDTH).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < FakeGateway.ADD_SUB_WIDTH; i++) a.putFloat(i * 0.5f);
    ModelInferRequest.Builder r = GrpcInfer.request("add_sub", "");
    GrpcInfer.addRaw(r, "INPUT0", "FP32", new long[] {1, FakeGateway.ADD_SUB_WIDTH}, a.array());
    GrpcInfer.addRaw(r, "INPUT1", "FP32", new long[] {1, FakeGateway.ADD_SUB_WIDTH}, a.array());
    return r.build();
  }

  /** Three elements of {@code type} in raw_input_contents, to the identity model. */
  private static ModelInferRequest raw(DataType type) {
    byte[] data;
    if (type == DataType.BYTES) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String s : new String[] {"a", "", "xyz"}) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(s.length()).array());
        out.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      data = out.toByteArray();
    } else {
      data = new byte[3 * type.byteSize()];
      for (int i = 0; i < data.length; i++) data[i] = (byte) (type == DataType.BOOL ? i % 2 : i * 37 + 1);
    }
    return GrpcInfer.addRaw(GrpcInfer.request("identity", ""), "X", type.wireName(), new long[] {3}, data).build();
  }

  /** Three elements of {@code type} in typed contents (FP16 and BF16 have none: the edge refuses them). */
  private static ModelInferRequest typed(DataType type) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    switch (type) {
      case BOOL -> c.addBoolContents(true).addBoolContents(false).addBoolContents(true);
      case UINT8, UINT16, UINT32 -> c.addUintContents(1).addUintContents(200).addUintContents(7);
      case UINT64 -> c.addUint64Contents(1).addUint64Contents(-1).addUint64Contents(7);
      case INT8, INT16, INT32 -> c.addIntContents(-1).addIntContents(100).addIntContents(7);
      case INT64 -> c.addInt64Contents(Long.MIN_VALUE).addInt64Contents(0).addInt64Contents(7);
      case FP32 -> c.addFp32Contents(1.5f).addFp32Contents(-0f).addFp32Contents(Float.NaN);
      case FP64 -> c.addFp64Contents(2.5).addFp64Contents(Double.MAX_VALUE).addFp64Contents(-1);
      case BYTES -> c.addBytesContents(ByteString.copyFromUtf8("a")).addBytesContents(ByteString.EMPTY)
          .addBytesContents(ByteString.copyFromUtf8("xyz"));
      default -> c.addFp32Contents(1f).addFp32Contents(2f).addFp32Contents(3f);
    }
    return GrpcInfer.addTyped(GrpcInfer.request("identity", ""), "X", type.wireName(), new long[] {3}, c.build()).build();
  }

  private static Seen send(GrpcEdge edge, Call call) throws Exception {
    GrpcEdge.Outcome o = edge.call(PATH, call.body(), call.encoding());
    return new Seen(o.status(), o.message(), ByteString.copyFrom(o.data().toArray()), o.fastPath());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
