package io.inferencia.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The ceiling: ONNX Runtime called in-process, one session, back to back, with the same thread
 * settings the server uses. Items/s per batch size.
 */
final class RawOrtThroughput {
  private RawOrtThroughput() {}

  static Map<Integer, Double> measure(Path modelFile, String inputName, long[] itemShape, int[] batchSizes,
      double secondsPerSize) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
      opts.setInterOpNumThreads(1);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(modelFile.toString(), opts)) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (int batch : batchSizes) out.put(batch, itemsPerSecond(env, session, inputName, itemShape, batch, secondsPerSize));
        return out;
      }
    }
  }

  private static double itemsPerSecond(OrtEnvironment env, OrtSession session, String inputName, long[] itemShape,
      int batch, double seconds) throws OrtException {
    long[] shape = new long[itemShape.length + 1];
    shape[0] = batch;
    System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
    int n = (int) (batch * BenchInputs.elements(itemShape));
    float[] data = new float[n];
    Random r = new Random(7);
    for (int i = 0; i < n; i++) data[i] = r.nextFloat() * 2 - 1;
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape)) {
      Map<String, OnnxTensor> feed = Map.of(inputName, input);
      long warmUntil = System.nanoTime() + (long) (Math.min(1.0, seconds / 3) * 1e9);
      while (System.nanoTime() < warmUntil) session.run(feed).close();
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      long runs = 0;
      while (System.nanoTime() < end) {
        session.run(feed).close();
        runs++;
      }
      return runs * batch / ((System.nanoTime() - start) / 1e9);
    }
  }
}
