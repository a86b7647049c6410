package io.inferencia.edge.testkit;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.inference.TensorSpec;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelOutput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link InferenceGateway} that behaves like a small Triton repository: it validates
 * tensor names, datatypes and shapes against each model's declared specs and fails with the same
 * {@link InferenceException} kinds the real core uses. Models: {@code add_sub} (versions 1 and 2),
 * {@code echo_bytes}, {@code identity} (any inputs, outputs {@code OUT_<input>}), {@code broken}
 * (failed to load), {@code busy} (queue full), {@code late} (queue timeout), {@code silent} (never
 * answers, for the edge's own ask timeout) and {@code toggle} (for load/unload).
 */
public final class FakeGateway implements InferenceGateway {
  public static final int ADD_SUB_WIDTH = 16;

  private final Map<String, FakeModel> models = new LinkedHashMap<>();
  private final Set<String> unloaded = ConcurrentHashMap.newKeySet();
  /** The config text each model's last load carried (empty: none), for the load-parameter tests. */
  public final Map<String, String> lastLoadConfig = new ConcurrentHashMap<>();
  /** Counters fed by this fake's answers, so the edges render real counts. */
  private final Map<String, FakeStatistics> statistics = new ConcurrentHashMap<>();

  public FakeGateway() {
    long[] row = {ADD_SUB_WIDTH};
    add(new FakeModel("add_sub", List.of("1", "2"), 8,
        List.of(spec("INPUT0", DataType.FP32, row), spec("INPUT1", DataType.FP32, row)),
        List.of(spec("OUTPUT0", DataType.FP32, row), spec("OUTPUT1", DataType.FP32, row)),
        ModelState.READY, "", FakeGateway::addSub));
    add(new FakeModel("echo_bytes", List.of("1"), 0,
        List.of(spec("INPUT0", DataType.BYTES, new long[] {-1})),
        List.of(spec("OUTPUT0", DataType.BYTES, new long[] {-1})),
        ModelState.READY, "", r -> List.of(rename(r.inputs().get(0), "OUTPUT0"))));
    add(new FakeModel("identity", List.of("1"), 0, List.of(), List.of(), ModelState.READY, "",
        r -> r.inputs().stream().map(t -> rename(t, "OUT_" + t.name())).toList()));
    add(new FakeModel("broken", List.of("1"), 0, List.of(), List.of(), ModelState.UNAVAILABLE,
        "failed to load 'broken' version 1: model.onnx is not a valid ONNX file", r -> List.of()));
    add(new FakeModel("busy", List.of("1"), 0, List.of(), List.of(), ModelState.READY, "", r -> {
      throw InferenceException.exhausted("queue of model 'busy' is full (max_queue_size 4)");
    }));
    add(new FakeModel("late", List.of("1"), 0, List.of(), List.of(), ModelState.READY, "", r -> {
      throw new InferenceException(ErrorKind.DEADLINE_EXCEEDED, "request for model 'late' timed out in the queue");
    }));
    add(new FakeModel("silent", List.of("1"), 0, List.of(), List.of(), ModelState.READY, "", r -> List.of()));
    // Answers how long the client said it waits (its gRPC deadline, in microseconds).
    add(new FakeModel("client_timeout", List.of("1"), 0, List.of(), List.of(), ModelState.READY, "",
        r -> List.of(Tensor.ofLongs("CLIENT_TIMEOUT_US", new long[] {1}, new long[] {r.clientTimeoutMicros()}))));
    add(new FakeModel("toggle", List.of("1"), 0, List.of(), List.of(), ModelState.READY, "",
        r -> r.inputs().stream().map(t -> rename(t, "OUT_" + t.name())).toList()));
  }

  private void add(FakeModel m) {
    models.put(m.name(), m);
  }

  @Override
  public CompletionStage<Boolean> serverReady() {
    return done(true);
  }

  @Override
  public CompletionStage<List<ModelIndexEntry>> index(boolean readyOnly) {
    List<ModelIndexEntry> out = new ArrayList<>();
    for (FakeModel m : models.values()) {
      for (String v : m.versions()) {
        ModelState state = unloaded.contains(m.name()) ? ModelState.UNAVAILABLE : m.state();
        String reason = unloaded.contains(m.name()) ? "unloaded" : m.reason();
        if (!readyOnly || state == ModelState.READY) out.add(new ModelIndexEntry(m.name(), v, state, reason));
      }
    }
    return done(out);
  }

  @Override
  public CompletionStage<ModelMetadata> metadata(String model, String version) {
    return attempt(() -> {
      FakeModel m = find(model, version);
      return new ModelMetadata(m.name(), m.versions(), "onnxruntime_onnx",
          withBatch(m, m.inputs()), withBatch(m, m.outputs()));
    });
  }

  @Override
  public CompletionStage<ModelConfig> config(String model, String version) {
    return attempt(() -> {
      FakeModel m = find(model, version);
      ModelConfig.Builder c = ModelConfig.newBuilder().setName(m.name()).setPlatform("onnxruntime_onnx")
          .setMaxBatchSize(m.maxBatchSize());
      for (TensorSpec s : m.inputs())
        c.addInput(ModelInput.newBuilder().setName(s.name()).setDataType(configType(s.datatype()))
            .addAllDims(Arrays.stream(s.shape()).boxed().toList()));
      for (TensorSpec s : m.outputs())
        c.addOutput(ModelOutput.newBuilder().setName(s.name()).setDataType(configType(s.datatype()))
            .addAllDims(Arrays.stream(s.shape()).boxed().toList()));
      return c.build();
    });
  }

  @Override
  public CompletionStage<Boolean> modelReady(String model, String version) {
    return attempt(() -> ready(find(model, version)));
  }

  @Override
  public CompletionStage<List<ModelStatistics>> statistics(String model, String version) {
    return attempt(() -> {
      List<ModelStatistics> out = new ArrayList<>();
      if (model.isEmpty()) {
        for (FakeModel m : models.values())
          if (ready(m)) m.versions().forEach(v -> out.add(statsOf(m.name(), v).snapshot()));
        return out;
      }
      FakeModel m = find(model, version);
      if (!ready(m)) throw InferenceException.unavailable("model '" + m.name() + "' is not ready");
      for (String v : m.versions()) if (version.isEmpty() || version.equals(v)) out.add(statsOf(m.name(), v).snapshot());
      return out;
    });
  }

  private FakeStatistics statsOf(String model, String version) {
    return statistics.computeIfAbsent(model + "/" + version, k -> new FakeStatistics(model, version));
  }

  @Override
  public CompletionStage<Void> load(String model, String configText) {
    return attempt(() -> {
      if (!models.containsKey(model)) throw InferenceException.notFound("no model '" + model + "' in the repository");
      lastLoadConfig.put(model, configText);
      unloaded.remove(model);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> unload(String model) {
    return attempt(() -> {
      if (!models.containsKey(model)) throw InferenceException.notFound("no model '" + model + "' in the repository");
      unloaded.add(model);
      return null;
    });
  }

  /** Each version's scaling policy as the admin API changed it (every version starts at min 1, max 1, target 2). */
  public final Map<String, io.inferencia.protocols.placement.ScalingPolicy> scaling = new ConcurrentHashMap<>();

  /** One replica per version of every model, on one node with one CPU device. */
  @Override
  public CompletionStage<List<io.inferencia.protocols.placement.ReplicaView>> placement() {
    return attempt(() -> {
      List<io.inferencia.protocols.placement.ReplicaView> out = new ArrayList<>();
      for (FakeModel m : models.values())
        for (String v : m.versions())
          out.add(new io.inferencia.protocols.placement.ReplicaView(m.name(), v, FAKE_NODE, List.of("cpu"),
              unloaded.contains(m.name()) ? "UNAVAILABLE" : m.state().name(), m.reason(), 0, 0.0, 1 << 20, false, 0, 0,
              true, policy(m.name(), v), m.name() + "/" + v + "#0"));
      return out;
    });
  }

  public static final String FAKE_NODE = "pekko://inferencia@127.0.0.1:2551";

  @Override
  public CompletionStage<List<io.inferencia.protocols.placement.NodeView>> nodes() {
    return attempt(() -> List.of(new io.inferencia.protocols.placement.NodeView(FAKE_NODE,
        List.of(new io.inferencia.protocols.placement.DeviceBudget("cpu", 0, (long) models.size() << 20, models.size())), 0, 0)));
  }

  @Override
  public CompletionStage<io.inferencia.protocols.placement.ScalingPolicy> scale(String model, String version,
      io.inferencia.protocols.placement.ScalingUpdate update) {
    return attempt(() -> {
      FakeModel m = models.get(model);
      if (m == null) throw InferenceException.notFound("unknown model '" + model + "'");
      if (!version.isEmpty() && !m.versions().contains(version))
        throw InferenceException.notFound("model '" + model + "' has no version " + version);
      io.inferencia.protocols.placement.ScalingPolicy next = null;
      for (String v : version.isEmpty() ? m.versions() : List.of(version)) {
        try {
          next = policy(model, v).with(update);
        } catch (IllegalArgumentException e) {
          throw new InferenceException(ErrorKind.INVALID_ARGUMENT, e.getMessage());
        }
        scaling.put(model + "/" + v, next);
      }
      return next;
    });
  }

  private io.inferencia.protocols.placement.ScalingPolicy policy(String model, String version) {
    return scaling.getOrDefault(model + "/" + version, new io.inferencia.protocols.placement.ScalingPolicy(1, 1, 2));
  }

  /** Bounded as the actor gateway is: the edges pass their deadline here. */
  @Override
  public InferenceGateway within(java.time.Duration timeout) {
    return new BoundedGateway(this, timeout);
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    if (request.model().equals("silent")) return new CompletableFuture<>();
    return attempt(() -> {
      FakeModel m = find(request.model(), request.version());
      String version = request.version().isEmpty() ? m.versions().get(m.versions().size() - 1) : request.version();
      long start = System.nanoTime();
      try {
        InferResponse response = answer(m, version, request);
        long items = m.maxBatchSize() > 0 && !request.inputs().isEmpty() ? request.inputs().get(0).shape()[0] : 1;
        statsOf(m.name(), version).succeeded((int) items, System.nanoTime() - start);
        return response;
      } catch (InferenceException e) {
        if (ready(m)) statsOf(m.name(), version).failed(System.nanoTime() - start);
        throw e;
      }
    });
  }

  private InferResponse answer(FakeModel m, String version, InferRequest request) {
    if (!ready(m))
      throw InferenceException.unavailable("model '" + m.name() + "' is not ready"
          + (unloaded.contains(m.name()) ? ": unloaded" : ": " + m.reason()));
    validate(m, request);
    List<Tensor> outputs = m.compute().apply(request);
    if (!request.requestedOutputs().isEmpty()) {
      Set<String> known = new HashSet<>();
      outputs.forEach(t -> known.add(t.name()));
      for (String name : request.requestedOutputs())
        if (!known.contains(name))
          throw InferenceException.invalid("unexpected inference output '" + name + "' for model '" + m.name() + "'");
      outputs = outputs.stream().filter(t -> request.requestedOutputs().contains(t.name())).toList();
    }
    return new InferResponse(m.name(), version, request.id(), outputs);
  }

  private boolean ready(FakeModel m) {
    return m.state() == ModelState.READY && !unloaded.contains(m.name());
  }

  private FakeModel find(String model, String version) {
    FakeModel m = models.get(model);
    if (m == null) throw InferenceException.notFound("unknown model: '" + model + "'");
    if (!version.isEmpty() && !m.versions().contains(version))
      throw InferenceException.notFound("unknown version '" + version + "' of model '" + model + "'");
    return m;
  }

  /** Triton's checks: known names, all inputs present, matching datatype, rank and fixed dims, batch size. */
  private static void validate(FakeModel m, InferRequest r) {
    if (m.inputs().isEmpty()) return;
    Map<String, Tensor> given = new LinkedHashMap<>();
    for (Tensor t : r.inputs()) {
      TensorSpec spec = m.inputs().stream().filter(s -> s.name().equals(t.name())).findFirst()
          .orElseThrow(() -> InferenceException.invalid(
              "unexpected inference input '" + t.name() + "' for model '" + m.name() + "'"));
      if (spec.datatype() != t.datatype())
        throw InferenceException.invalid("inference input '" + t.name() + "' data-type is '" + t.datatype()
            + "', but model '" + m.name() + "' expects '" + spec.datatype() + "'");
      long[] expected = m.maxBatchSize() > 0 ? prepend(-1, spec.shape()) : spec.shape();
      if (!shapeMatches(expected, t.shape()))
        throw InferenceException.invalid("unexpected shape for input '" + t.name() + "' for model '" + m.name()
            + "'. Expected " + Arrays.toString(expected) + ", got " + Arrays.toString(t.shape()));
      if (m.maxBatchSize() > 0 && t.shape()[0] > m.maxBatchSize())
        throw InferenceException.invalid("inference request batch-size must be <= " + m.maxBatchSize()
            + " for '" + m.name() + "'");
      given.put(t.name(), t);
    }
    for (TensorSpec s : m.inputs())
      if (!given.containsKey(s.name()))
        throw InferenceException.invalid("expected " + m.inputs().size() + " inputs but got " + given.size()
            + " inputs for model '" + m.name() + "': input '" + s.name() + "' is missing");
  }

  private static boolean shapeMatches(long[] expected, long[] actual) {
    if (expected.length != actual.length) return false;
    for (int i = 0; i < expected.length; i++) if (expected[i] >= 0 && expected[i] != actual[i]) return false;
    return true;
  }

  private static List<Tensor> addSub(InferRequest r) {
    Tensor a = r.inputs().stream().filter(t -> t.name().equals("INPUT0")).findFirst().orElseThrow();
    Tensor b = r.inputs().stream().filter(t -> t.name().equals("INPUT1")).findFirst().orElseThrow();
    float[] x = a.asFloats();
    float[] y = b.asFloats();
    float[] sum = new float[x.length];
    float[] diff = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      sum[i] = x[i] + y[i];
      diff[i] = x[i] - y[i];
    }
    return List.of(Tensor.ofFloats("OUTPUT0", a.shape(), sum), Tensor.ofFloats("OUTPUT1", a.shape(), diff));
  }

  private static Tensor rename(Tensor t, String name) {
    return new Tensor(name, t.datatype(), t.shape().clone(), t.data());
  }

  private static List<TensorSpec> withBatch(FakeModel m, List<TensorSpec> specs) {
    if (m.maxBatchSize() == 0) return specs;
    return specs.stream().map(s -> new TensorSpec(s.name(), s.datatype(), prepend(-1, s.shape()))).toList();
  }

  private static long[] prepend(long first, long[] rest) {
    long[] out = new long[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  private static io.inferencia.protocols.modelconfig.DataType configType(DataType t) {
    return io.inferencia.protocols.modelconfig.DataType.valueOf(t == DataType.BYTES ? "TYPE_STRING" : "TYPE_" + t.name());
  }

  private static TensorSpec spec(String name, DataType type, long[] shape) {
    return new TensorSpec(name, type, shape);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** Runs the body on another thread, as the actor-based gateway answers asynchronously. */
  private static <T> CompletionStage<T> attempt(java.util.function.Supplier<T> body) {
    return CompletableFuture.supplyAsync(body);
  }
}
