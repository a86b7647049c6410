package io.inferencia.gpu.jobs;

import java.util.concurrent.atomic.LongAdder;

/**
 * Where a streamed task's time went, stage by stage: blocked reading the input from storage, waiting for
 * the model (a chunk's call from send to answer, batching queue included), uploading result parts. The
 * stages overlap (that is the point of streaming), so each is a busy time that may sum past the wall
 * time; the job's timings report them as download, inference and upload.
 */
public final class StageTimes {
  final LongAdder readNanos = new LongAdder();
  final LongAdder modelNanos = new LongAdder();
  final LongAdder writeNanos = new LongAdder();

  public void model(long nanos) {
    modelNanos.add(nanos);
  }

  TaskRunner.TaskResult result(io.inferencia.protocols.storage.S3Uri object) {
    return new TaskRunner.TaskResult(null, readNanos.sum() / 1000, modelNanos.sum() / 1000, object, writeNanos.sum() / 1000);
  }
}
