package io.inferencia.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: ONNX Runtime called in-process, back to back, per batch size, for each way of laying
 * sessions over the cores: one session using every core, and one single-threaded session per core
 * driven from its own thread. The best figure over both is the limit a server can approach here.
 */
final class RawOrtThroughput {
  private RawOrtThroughput() {}

  /** {@code sessions} sessions with {@code threads} intra-op threads each, all running at once. */
  record Layout(int sessions, int threads) {
    static List<Layout> forCores(int cores) {
      return cores == 1 ? List.of(new Layout(1, 1)) : List.of(new Layout(1, cores), new Layout(cores, 1));
    }

    String label() {
      return sessions + "x" + threads + (threads == 1 ? " thread" : " threads");
    }
  }

  static Map<Integer, Double> measure(Path modelFile, String inputName, long[] itemShape, int[] batchSizes,
      double secondsPerSize, Layout layout) throws OrtException, InterruptedException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<OrtSession> sessions = new ArrayList<>();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(layout.threads());
      opts.setInterOpNumThreads(1);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      for (int i = 0; i < layout.sessions(); i++) sessions.add(env.createSession(modelFile.toString(), opts));
      Map<Integer, Double> out = new LinkedHashMap<>();
      for (int batch : batchSizes)
        out.put(batch, itemsPerSecond(env, sessions, inputName, itemShape, batch, secondsPerSize));
      return out;
    } finally {
      for (OrtSession s : sessions) s.close();
    }
  }

  private static double itemsPerSecond(OrtEnvironment env, List<OrtSession> sessions, String inputName,
      long[] itemShape, int batch, double seconds) throws OrtException, InterruptedException {
    long[] shape = new long[itemShape.length + 1];
    shape[0] = batch;
    System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
    int n = (int) (batch * BenchInputs.elements(itemShape));
    float[] data = new float[n];
    Random r = new Random(7);
    for (int i = 0; i < n; i++) data[i] = r.nextFloat() * 2 - 1;
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape)) {
      Map<String, OnnxTensor> feed = Map.of(inputName, input);
      runAll(sessions, feed, Math.min(1.0, seconds / 3), new AtomicLong());
      AtomicLong runs = new AtomicLong();
      long start = System.nanoTime();
      runAll(sessions, feed, seconds, runs);
      return runs.get() * batch / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Every session runs the same input back to back on its own thread until the time is up. */
  private static void runAll(List<OrtSession> sessions, Map<String, OnnxTensor> feed, double seconds, AtomicLong runs)
      throws OrtException, InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    List<OrtException> failures = new ArrayList<>();
    for (OrtSession session : sessions) {
      Thread t = new Thread(() -> {
        try {
          while (System.nanoTime() < end) {
            session.run(feed).close();
            runs.incrementAndGet();
          }
        } catch (OrtException e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      }, "raw-ort");
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    if (!failures.isEmpty()) throw failures.get(0);
  }
}
