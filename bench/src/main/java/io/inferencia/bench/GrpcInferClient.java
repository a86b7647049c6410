package io.inferencia.bench;

import com.google.protobuf.ByteString;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;

/** A stock KServe v2 gRPC client call with raw_input_contents, the form Triton clients send. */
final class GrpcInferClient implements AutoCloseable {
  private final GRPCInferenceServiceClient client;
  private final ModelInferRequest request;

  GrpcInferClient(ActorSystem<?> system, int port, String model, String input, long[] shape, byte[] raw) {
    this(system, port, request(model, input, shape, raw));
  }

  GrpcInferClient(ActorSystem<?> system, int port, ModelInferRequest request) {
    this.client = GRPCInferenceServiceClient.create(
        GrpcClientSettings.connectToServiceAt("127.0.0.1", port, system).withTls(false), system);
    this.request = request;
  }

  /** One FP32 input in raw_input_contents. */
  static ModelInferRequest request(String model, String input, long[] shape, byte[] raw) {
    ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
        .setName(input).setDatatype("FP32");
    for (long d : shape) t.addShape(d);
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(t)
        .addRawInputContents(ByteString.copyFrom(raw))
        .build();
  }

  ModelInferRequest request() {
    return request;
  }

  CompletionStage<ModelInferResponse> infer() {
    return client.modelInfer(request);
  }

  @Override
  public void close() {
    client.close();
  }
}
