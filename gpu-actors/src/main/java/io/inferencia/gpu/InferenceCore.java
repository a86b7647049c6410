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

/**
 * Wires the inference core in one call: the node's {@link ModelManager} (which spawns one device
 * router per device) and the gateway the edges use.
 */
public record InferenceCore(ActorRef<ModelManager.Command> manager, ActorInferenceGateway gateway) {
  public static final String MANAGER_NAME = "model-manager";

  /** As a child of a guardian; {@code config} is the root config holding {@code inference { }}. */
  public static InferenceCore start(ActorContext<?> context, Config config, List<PipelineFactory> pipelines) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    ActorRef<ModelManager.Command> manager =
        context.spawn(ModelManager.create(settings, pipelines), MANAGER_NAME);
    return new InferenceCore(manager, new ActorInferenceGateway(manager, context.getSystem().scheduler(), settings.askTimeout()));
  }

  /** As a system actor, for tests and tools without a guardian of their own. */
  public static InferenceCore start(ActorSystem<?> system, Config config, List<PipelineFactory> pipelines) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    ActorRef<ModelManager.Command> manager = system.systemActorOf(
        ModelManager.create(settings, pipelines), MANAGER_NAME, Props.empty());
    return new InferenceCore(manager, new ActorInferenceGateway(manager, system.scheduler(), settings.askTimeout()));
  }
}
