package io.inferencia.gpu;

import com.typesafe.config.Config;
import io.inferencia.gpu.actors.ActorInferenceGateway;
import io.inferencia.gpu.actors.ModelManager;
import io.inferencia.gpu.pipeline.PipelineFactory;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.GroupRouter;
import org.apache.pekko.actor.typed.javadsl.Routers;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Wires the inference core in one call: the node's {@link ModelManager} (which spawns one device
 * router per device) and the gateway the edges use.
 */
public record InferenceCore(ActorRef<ModelManager.Command> manager, ActorInferenceGateway gateway) {
  public static final String MANAGER_NAME = "model-manager";

  /** Every node's model manager registers under this key so edge-only nodes can reach gpu nodes. */
  public static final ServiceKey<ModelManager.Command> MANAGERS =
      ServiceKey.create(ModelManager.Command.class, "inference-model-managers");

  /** As a child of a guardian; {@code config} is the root config holding {@code inference { }}. */
  public static InferenceCore start(ActorContext<?> context, Config config, List<PipelineFactory> pipelines) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    ActorRef<ModelManager.Command> manager =
        context.spawn(ModelManager.create(settings, pipelines), MANAGER_NAME);
    context.getSystem().receptionist().tell(Receptionist.register(MANAGERS, manager));
    return new InferenceCore(manager, new ActorInferenceGateway(manager, context.getSystem().scheduler(), settings.askTimeout()));
  }

  /** As a system actor, for tests and tools without a guardian of their own. */
  public static InferenceCore start(ActorSystem<?> system, Config config, List<PipelineFactory> pipelines) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    ActorRef<ModelManager.Command> manager = system.systemActorOf(
        ModelManager.create(settings, pipelines), MANAGER_NAME, Props.empty());
    return new InferenceCore(manager, new ActorInferenceGateway(manager, system.scheduler(), settings.askTimeout()));
  }

  /**
   * For a node without the gpu role: a gateway whose requests go, round robin, to the model managers
   * of the cluster's gpu nodes (found through the receptionist).
   */
  public static InferenceCore remote(ActorContext<?> context, Config config) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    GroupRouter<ModelManager.Command> group = Routers.group(MANAGERS).withRoundRobinRouting();
    ActorRef<ModelManager.Command> router = context.spawn(group, "remote-model-managers");
    return new InferenceCore(router, new ActorInferenceGateway(router, context.getSystem().scheduler(), settings.askTimeout()));
  }
}
