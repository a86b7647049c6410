package io.inferencia.gpu.jobs;

import java.util.Map;

/** Which runner serves a task: a named one ({@code ocr}, {@code vad}), otherwise the generic model runner. */
public record TaskRunners(Map<String, TaskRunner> named, TaskRunner model) {
  public TaskRunners {
    named = Map.copyOf(named);
  }

  public TaskRunner forTask(String task) {
    return named.getOrDefault(task, model);
  }
}
