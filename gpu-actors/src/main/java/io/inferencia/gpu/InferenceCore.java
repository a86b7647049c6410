package io.inferencia.gpu;

import com.typesafe.config.Config;
import io.inferencia.gpu.actors.ActorInferenceGateway;
import io.inferencia.gpu.actors.ModelRepositoryManager;
import io.inferencia.gpu.cluster.ClusterGateway;
import io.inferencia.gpu.cluster.GpuNodeWatcher;
import io.inferencia.gpu.cluster.GpuNodes;
import io.inferencia.gpu.cluster.LocalFirstGateway;
import io.inferencia.gpu.cluster.RemoteBreakerSettings;
import io.inferencia.gpu.cluster.ReplicaSharding;
import io.inferencia.gpu.cluster.NativeShutdown;
import io.inferencia.gpu.cluster.NodeDrain;
import io.inferencia.gpu.pipeline.PipelineFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
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
    Config drain = config.getConfig("inference.drain");
    NodeDrain.register(context.getSystem(), manager, drain.getDuration("warm-timeout"), drain.getDuration("in-flight-timeout"));
    NativeShutdown.register(context.getSystem());
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
   * For a node without the gpu role: a gateway whose calls go to the repository managers of the
   * cluster's gpu nodes (found through the receptionist, watched through cluster membership), as
   * {@link ClusterGateway} routes and re-sends them.
   */
  public static ClusterGateway remote(ActorContext<?> context, Config config, ReplicaSharding replicas) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    GpuNodes nodes = new GpuNodes();
    context.spawn(GpuNodeWatcher.create(nodes, RemoteBreakerSettings.fromRoot(config)), "gpu-nodes");
    return new ClusterGateway(nodes, context.getSystem().scheduler(), settings.askTimeout(), replicas);
  }

  /**
   * For a node that is also a gpu node: the edge's gateway serves from {@code core} when the version is
   * READY here, from the gpu nodes that have it when only others do ({@link LocalFirstGateway}).
   */
  public static LocalFirstGateway localFirst(ActorContext<?> context, Config config, InferenceCore core,
      ReplicaSharding replicas) {
    InferenceSettings settings = InferenceSettings.fromRoot(config);
    GpuNodes nodes = new GpuNodes();
    context.spawn(GpuNodeWatcher.create(nodes, RemoteBreakerSettings.fromRoot(config)), "gpu-nodes");
    return new LocalFirstGateway(core.gateway(),
        new ClusterGateway(nodes, context.getSystem().scheduler(), settings.askTimeout(), replicas),
        nodes, settings.placement().spillAfter());
  }

  /**
   * Whether this core's start-up is over (repository scanned, pinned loads ended, failed or not): the
   * job worker takes no ticket before, so a starting node does not fail the jobs it would pull.
   */
  public CompletionStage<Boolean> started(ActorSystem<?> system, Duration timeout) {
    return AskPattern.<ModelRepositoryManager.Command, ModelRepositoryManager.ReadyReply>ask(manager,
        ModelRepositoryManager.GetStarted::new, timeout, system.scheduler())
        .thenApply(ModelRepositoryManager.ReadyReply::ready);
  }
}
