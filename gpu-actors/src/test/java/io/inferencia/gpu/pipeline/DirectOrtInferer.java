package io.inferencia.gpu.pipeline;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test inferer that runs the repository's ONNX models with ONNX Runtime directly, on its own thread,
 * so the pipelines can be tested without the batching router. It rejects requests whose batch exceeds
 * the model's max_batch_size, which proves the pipelines chunk their calls.
 */
public final class DirectOrtInferer implements Inferer, AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Map<String, OrtSession> sessions = new HashMap<>();
  private final Map<String, Integer> maxBatch = new HashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, Integer> largestBatch = new ConcurrentHashMap<>();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "direct-ort");
            t.setDaemon(true);
            return t;
          });

  /** Loads {@code <repository>/<model>/1/model.onnx} for each model; 0 = not batched by the server. */
  public DirectOrtInferer(Path repository, Map<String, Integer> modelsWithMaxBatch) throws OrtException {
    for (Map.Entry<String, Integer> m : modelsWithMaxBatch.entrySet()) {
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(2);
      String path = repository.resolve(m.getKey()).resolve("1").resolve("model.onnx").toString();
      sessions.put(m.getKey(), env.createSession(path, options));
      maxBatch.put(m.getKey(), m.getValue());
    }
  }

  public static Path repository() {
    String repo = System.getProperty("model.repository");
    if (repo == null || repo.isEmpty()) throw new IllegalStateException("system property model.repository is not set");
    return Path.of(repo);
  }

  public int calls(String model) {
    AtomicInteger n = calls.get(model);
    return n == null ? 0 : n.get();
  }

  public int largestBatch(String model) {
    return largestBatch.getOrDefault(model, 0);
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    return CompletableFuture.supplyAsync(() -> run(request), executor);
  }

  private InferResponse run(InferRequest request) {
    OrtSession session = sessions.get(request.model());
    if (session == null) throw InferenceException.notFound("unknown model '" + request.model() + "'");
    int limit = maxBatch.get(request.model());
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      for (Tensor t : request.inputs()) {
        if (limit > 0) {
          int batch = (int) t.shape()[0];
          if (batch > limit)
            throw InferenceException.invalid("batch " + batch + " exceeds max_batch_size " + limit + " of " + request.model());
          largestBatch.merge(request.model(), batch, Math::max);
        }
        inputs.put(t.name(), toOnnx(session, t));
      }
      calls.computeIfAbsent(request.model(), k -> new AtomicInteger()).incrementAndGet();
      try (OrtSession.Result result = session.run(inputs)) {
        List<Tensor> outputs = new ArrayList<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          OnnxTensor value = (OnnxTensor) e.getValue();
          long[] shape = value.getInfo().getShape();
          FloatBuffer fb = value.getFloatBuffer();
          float[] data = new float[fb.remaining()];
          fb.get(data);
          outputs.add(Tensor.ofFloats(e.getKey(), shape, data));
        }
        return new InferResponse(request.model(), "1", request.id(), outputs);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on " + request.model() + ": " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Converts a raw tensor; a one-element input the model declares as a scalar becomes a scalar (config reshape). */
  private OnnxTensor toOnnx(OrtSession session, Tensor t) throws OrtException {
    NodeInfo info = session.getInputInfo().get(t.name());
    if (info == null) throw InferenceException.invalid("model has no input '" + t.name() + "'");
    boolean scalar = ((TensorInfo) info.getInfo()).getShape().length == 0;
    long[] shape = scalar ? new long[0] : t.shape();
    if (t.datatype() == DataType.FP32) return OnnxTensor.createTensor(env, FloatBuffer.wrap(t.asFloats()), shape);
    if (t.datatype() == DataType.INT64) return OnnxTensor.createTensor(env, LongBuffer.wrap(t.asLongs()), shape);
    throw InferenceException.invalid("unsupported datatype " + t.datatype());
  }

  @Override
  public void close() throws OrtException {
    for (OrtSession s : sessions.values()) s.close();
    executor.shutdown();
  }
}
