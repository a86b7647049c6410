package io.inferencia.gpu.actors;

import io.inferencia.gpu.batching.RequestValidator;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.stats.VersionStatistics;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.modelconfig.ModelConfig;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Serves a pipeline or ensemble version: checks each request against the config and starts the
 * pipeline, which answers from its own futures (telling a ref and adding to the thread-safe
 * statistics touch no actor state). A pipeline that throws instead of failing its future crashes
 * this actor, and its supervisor restarts it.
 */
final class PipelineServer {
  private PipelineServer() {}

  /** {@link Enqueue}, or {@link Stop}. */
  interface Command {}

  /** Stops once the requests before it were started; the pipelines answer them from their futures. */
  enum Stop implements Command, NoSerializationVerificationNeeded { INSTANCE }

  static Behavior<Command> create(ModelConfig config, PipelineModel pipeline, VersionStatistics statistics) {
    return Behaviors.receive(Command.class)
        .onMessage(Enqueue.class, msg -> {
          serve(config, pipeline, statistics, msg);
          return Behaviors.same();
        })
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build();
  }

  private static void serve(ModelConfig config, PipelineModel pipeline, VersionStatistics statistics, Enqueue msg) {
    InferRequest request = msg.request();
    int items;
    try {
      items = RequestValidator.validate(config, request).batchSize();
      if (!request.classifications().isEmpty())
        throw InferenceException.invalid("classification is for ONNX models' outputs, not those of pipeline or ensemble '"
            + request.model() + "'");
    } catch (InferenceException e) {
      statistics.failed(0);
      msg.replyTo().tell(InferResult.failed(e));
      return;
    }
    long start = System.nanoTime();
    pipeline.infer(request).whenComplete((response, error) -> {
      long elapsed = System.nanoTime() - start;
      if (error == null) statistics.pipelineSucceeded(items, elapsed);
      else statistics.failed(elapsed);
      msg.replyTo().tell(error == null ? new InferResult.Served(response) : InferResult.failed(error));
    });
  }
}
