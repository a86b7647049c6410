package io.inferencia.gpu;

import com.typesafe.config.Config;
import io.inferencia.gpu.actors.ActorInferenceGateway;
import io.inferencia.gpu.actors.ModelRepositoryManager;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.sequence.SequenceId;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.GroupRouter;
import org.apache.pekko.actor.typed.javadsl.Routers;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Wires the inference core in one call: the node's {@link ModelRepositoryManager} (which starts a
 * lifecycle per model version) and the gateway the edges use.
 */
public record InferenceCore(ActorRef<ModelRepositoryManager.Command> manager, ActorInferenceGateway gateway) {
  public static final String MANAGER_NAME = "model-repository";

  /** Every node's repository manager registers under this key so edge-only nodes can reach gpu nodes. */
  public static final ServiceKey<ModelRepositoryManager.Command> MANAGERS =
      ServiceKey.create(ModelRepositoryManager.Command.class, "inference-model-managers");

  // Enough points on the ring per node for an even spread of the non-sequence requests.
  private static final int VIRTUAL_NODES = 100;

  /** A sequence's model and id, so its requests meet its state; anything else a fresh key each time. */
  static String routingKey(ModelRepositoryManager.Command command, AtomicLong spread) {
    if (command instanceof ModelRepositoryManager.Infer infer) {
      String id = infer.request().parameters().get(SequenceId.ID);
      if (id != null && !id.isBlank()) return "sequence:" + infer.request().model() + ":" + id.trim();
    }
    return Long.toString(spread.incrementAndGet());
  }

  /**
   * As a child of a guardian; {@code config} is the root config holding {@code inference { }}. The
   * guardian watches the repository manager: one that stopped for good (out of restarts) fails the
   * guardian, and with it the node, so its orchestrator restarts it rather than leave it answering
   * nothing.
   */
  public static InferenceCore start(ActorContext<?> context, Config config, List<PipelineFactory> pipelines) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    ActorRef<ModelRepositoryManager.Command> manager =
        context.spawn(ModelRepositoryManager.create(settings, pipelines), MANAGER_NAME);
    context.watch(manager);
    context.getSystem().receptionist().tell(Receptionist.register(MANAGERS, manager));
    return new InferenceCore(manager, new ActorInferenceGateway(manager, context.getSystem().scheduler(), settings.askTimeout()));
  }

  /** As a system actor, for tests and tools without a guardian of their own. */
  public static InferenceCore start(ActorSystem<?> system, Config config, List<PipelineFactory> pipelines) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    ActorRef<ModelRepositoryManager.Command> manager = system.systemActorOf(
        ModelRepositoryManager.create(settings, pipelines), MANAGER_NAME, Props.empty());
    return new InferenceCore(manager, new ActorInferenceGateway(manager, system.scheduler(), settings.askTimeout()));
  }

  /**
   * For a node without the gpu role: a gateway whose requests go to the model managers of the
   * cluster's gpu nodes (found through the receptionist), spread evenly, except that all requests of
   * one sequence (sequence_id) go to the same node, where its state is.
   */
  public static InferenceCore remote(ActorContext<?> context, Config config) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    AtomicLong spread = new AtomicLong();
    GroupRouter<ModelRepositoryManager.Command> group = Routers.group(MANAGERS)
        .withConsistentHashingRouting(VIRTUAL_NODES, command -> routingKey(command, spread));
    ActorRef<ModelRepositoryManager.Command> router = context.spawn(group, "remote-model-managers");
    return new InferenceCore(router, new ActorInferenceGateway(router, context.getSystem().scheduler(), settings.askTimeout()));
  }
}
