package io.inferencia.gpu.jobs;

import java.util.Map;
import java.util.Set;

/**
 * Which runner serves a task: a named one ({@code ocr}, {@code vad}), otherwise the generic model runner.
 * {@code streamed} names the tasks that read their input as a stream (the others read it whole).
 */
public record TaskRunners(Map<String, TaskRunner> named, TaskRunner model, Set<String> streamed) {
  public TaskRunners {
    named = Map.copyOf(named);
    streamed = Set.copyOf(streamed);
  }

  public boolean readsWhole(String task) {
    return !streamed.contains(task);
  }

  public TaskRunner forTask(String task) {
    return named.getOrDefault(task, model);
  }
}
