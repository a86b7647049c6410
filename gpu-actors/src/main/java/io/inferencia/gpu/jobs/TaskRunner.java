package io.inferencia.gpu.jobs;

import io.inferencia.protocols.jobs.JobSpec;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Materializer;

/**
 * Runs one kind of task on a job's input, streamed from object storage, and returns the result
 * document's {@code result} part as JSON. Failures are {@link io.inferencia.protocols.inference.InferenceException}s
 * (INVALID_ARGUMENT for a bad input, which is never retried) or storage errors.
 */
public interface TaskRunner {
  CompletionStage<TaskResult> run(JobSpec spec, JobInput input, Materializer mat);

  /**
   * @param resultJson the task's result as JSON
   * @param readMicros time spent reading the input before inference (0 when reading overlaps it)
   * @param inferenceMicros time from the start of inference to its result
   */
  record TaskResult(byte[] resultJson, long readMicros, long inferenceMicros) {}
}
