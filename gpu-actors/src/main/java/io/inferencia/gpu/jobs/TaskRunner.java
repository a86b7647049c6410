package io.inferencia.gpu.jobs;

import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.storage.S3Uri;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Materializer;

/**
 * Runs one kind of task on a job's input, streamed from object storage, and returns the result
 * document's {@code result} part as JSON, or a result object it wrote itself through {@code output}
 * (a file too large for a document). Failures are {@link io.inferencia.protocols.inference.InferenceException}s
 * (INVALID_ARGUMENT for a bad input, which is never retried) or storage errors.
 */
public interface TaskRunner {
  CompletionStage<TaskResult> run(JobSpec spec, JobInput input, JobOutput output, Materializer mat);

  /**
   * @param resultJson the task's result as JSON (null when the result is {@code resultObject})
   * @param readMicros time spent reading the input before inference (0 when reading overlaps it)
   * @param inferenceMicros time from the start of inference to its result
   * @param resultObject the object the task wrote as its result, or null
   * @param writeMicros time the task spent writing its result object (0 for a document JobRun writes)
   */
  record TaskResult(byte[] resultJson, long readMicros, long inferenceMicros, S3Uri resultObject, long writeMicros) {
    public TaskResult(byte[] resultJson, long readMicros, long inferenceMicros) {
      this(resultJson, readMicros, inferenceMicros, null, 0);
    }
  }
}
