package io.inferencia.gpu.pipeline.ensemble;

import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelEnsembling;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelOutput;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dataflow graph of an ensemble's steps, checked from its config alone: every tensor a step
 * consumes is an ensemble input or the output of exactly one step, every ensemble output is produced,
 * every ensemble input is used, and the steps form no cycle. {@link #order()} lists the steps so that
 * each comes after the steps producing its inputs.
 */
public record EnsembleGraph(List<ModelEnsembling.Step> order) {
  public static final String PLATFORM = "ensemble";

  public EnsembleGraph {
    order = List.copyOf(order);
  }

  /** Throws IllegalArgumentException saying what is wrong with the steps. */
  public static EnsembleGraph of(ModelConfig config) {
    List<ModelEnsembling.Step> steps = config.getEnsembleScheduling().getStepList();
    if (steps.isEmpty()) throw new IllegalArgumentException("ensemble_scheduling has no step");
    Set<String> inputs = new HashSet<>();
    for (ModelInput in : config.getInputList()) inputs.add(in.getName());
    Map<String, Integer> producers = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      ModelEnsembling.Step step = steps.get(i);
      checkStep(config.getName(), step, i);
      for (String tensor : step.getOutputMapMap().values()) {
        if (inputs.contains(tensor))
          throw new IllegalArgumentException(describe(step, i) + " produces '" + tensor + "', which is an ensemble input");
        Integer earlier = producers.put(tensor, i);
        if (earlier != null)
          throw new IllegalArgumentException("tensor '" + tensor + "' is produced by both " + describe(steps.get(earlier), earlier)
              + " and " + describe(step, i));
      }
    }
    Set<String> consumed = new HashSet<>();
    for (int i = 0; i < steps.size(); i++)
      for (String tensor : steps.get(i).getInputMapMap().values()) {
        if (!inputs.contains(tensor) && !producers.containsKey(tensor))
          throw new IllegalArgumentException(describe(steps.get(i), i) + " consumes '" + tensor
              + "', which is neither an ensemble input nor produced by any step");
        consumed.add(tensor);
      }
    for (ModelOutput out : config.getOutputList())
      if (!producers.containsKey(out.getName()))
        throw new IllegalArgumentException("ensemble output '" + out.getName() + "' is not produced by any step");
    for (String in : inputs)
      if (!consumed.contains(in)) throw new IllegalArgumentException("ensemble input '" + in + "' is not used by any step");
    return new EnsembleGraph(topologicalOrder(steps, producers));
  }

  private static void checkStep(String ensemble, ModelEnsembling.Step step, int i) {
    String what = describe(step, i);
    if (step.getModelName().isEmpty()) throw new IllegalArgumentException("step " + (i + 1) + " has no model_name");
    if (step.getModelName().equals(ensemble)) throw new IllegalArgumentException(what + " calls the ensemble itself");
    if (!step.getModelNamespace().isEmpty())
      throw new IllegalArgumentException(what + ": model_namespace is not supported (one repository per node)");
    if (step.getModelVersion() < -1)
      throw new IllegalArgumentException(what + ": model_version must be -1 (latest) or a version number, got "
          + step.getModelVersion());
    if (step.getInputMapCount() == 0) throw new IllegalArgumentException(what + " has an empty input_map");
    if (step.getOutputMapCount() == 0) throw new IllegalArgumentException(what + " has an empty output_map");
    for (Map.Entry<String, String> e : step.getInputMapMap().entrySet())
      if (e.getKey().isEmpty() || e.getValue().isEmpty())
        throw new IllegalArgumentException(what + " has an input_map entry with an empty name");
    for (Map.Entry<String, String> e : step.getOutputMapMap().entrySet())
      if (e.getKey().isEmpty() || e.getValue().isEmpty())
        throw new IllegalArgumentException(what + " has an output_map entry with an empty name");
  }

  /** Kahn's algorithm over "step j consumes what step i produces"; steps left over lie on a cycle. */
  private static List<ModelEnsembling.Step> topologicalOrder(List<ModelEnsembling.Step> steps, Map<String, Integer> producers) {
    int n = steps.size();
    List<Set<Integer>> dependents = new ArrayList<>();
    int[] waiting = new int[n];
    for (int i = 0; i < n; i++) dependents.add(new LinkedHashSet<>());
    for (int j = 0; j < n; j++) {
      Set<Integer> needs = new HashSet<>();
      for (String tensor : steps.get(j).getInputMapMap().values()) {
        Integer producer = producers.get(tensor);
        if (producer != null) needs.add(producer);
      }
      for (int i : needs) dependents.get(i).add(j);
      waiting[j] = needs.size();
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < n; i++) if (waiting[i] == 0) ready.add(i);
    List<ModelEnsembling.Step> order = new ArrayList<>(n);
    Set<Integer> placed = new HashSet<>();
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(steps.get(i));
      placed.add(i);
      for (int j : dependents.get(i)) if (--waiting[j] == 0) ready.add(j);
    }
    if (order.size() < n) {
      List<String> cycle = new ArrayList<>();
      for (int i = 0; i < n; i++) if (!placed.contains(i)) cycle.add(describe(steps.get(i), i));
      throw new IllegalArgumentException("the steps form a cycle: " + String.join(", ", cycle));
    }
    return order;
  }

  static String describe(ModelEnsembling.Step step, int index) {
    return "step " + (index + 1) + " (model '" + step.getModelName() + "')";
  }
}
