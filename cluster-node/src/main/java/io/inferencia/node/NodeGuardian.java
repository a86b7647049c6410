package io.inferencia.node;

import com.typesafe.config.Config;
import io.inferencia.edge.EdgeServer;
import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.InferenceGateway;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.ocr.OcrPipelineFactory;
import io.inferencia.gpu.pipeline.vad.VadPipelineFactory;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * The node's root: joins the cluster, starts management, then what the node's roles ask for —
 * {@code gpu}: the inference core (model manager, device routers, pipelines); {@code edge}: the
 * REST and gRPC endpoints.
 */
public final class NodeGuardian {
  private NodeGuardian() {}

  public static Behavior<Void> create(NodeSettings settings) {
    return Behaviors.setup(ctx -> {
      joinCluster(ctx, settings);
      startManagement(ctx.getSystem());
      Config config = ctx.getSystem().settings().config();
      InferenceGateway gateway = settings.hasRole(NodeRole.GPU)
          ? InferenceCore.start(ctx, config, pipelines()).gateway()
          : InferenceCore.remote(ctx, config).gateway();
      if (settings.hasRole(NodeRole.EDGE)) EdgeServer.bind(ctx.getSystem(), gateway);
      return Behaviors.empty();
    });
  }

  static List<PipelineFactory> pipelines() {
    return List.of(new OcrPipelineFactory(), new VadPipelineFactory());
  }

  private static void joinCluster(ActorContext<Void> ctx, NodeSettings settings) {
    if (!settings.seedNodes().isEmpty()) return; // pekko.cluster.seed-nodes drives the join
    Cluster cluster = Cluster.get(ctx.getSystem());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
  }

  private static void startManagement(ActorSystem<?> system) {
    PekkoManagement.get(Adapter.toClassic(system)).start().whenComplete((uri, err) -> {
      if (err != null) system.log().error("Pekko Management failed to start: {}", err.getMessage());
      else system.log().info("Pekko Management at {}", uri);
    });
  }
}
