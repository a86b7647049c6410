package io.inferencia.gpu.cluster;

import io.inferencia.gpu.actors.ModelRepositoryManager;
import java.time.Duration;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The {@link ModelReplica} entities' sharding: hosted on the {@code gpu} nodes (a proxy elsewhere), one
 * shard per replica, each shard where the placement controller put it (external shard allocation), and
 * never passivated for idleness: an idle replica is the controller's to retire, not sharding's.
 */
public final class ReplicaSharding {
  private static final Duration ALLOCATION_TIMEOUT = Duration.ofSeconds(5);

  private final ClusterSharding sharding;
  private final ExternalShardAllocationClient locations;

  private ReplicaSharding(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
    this.locations = ExternalShardAllocation.get(system).getClient(ModelReplica.TYPE.name());
  }

  /**
   * Starts the region (on a gpu node, {@code manager} is its repository manager) or the proxy (an
   * edge-only node: {@code manager} null).
   */
  public static ReplicaSharding init(ActorSystem<?> system, ActorRef<ModelRepositoryManager.Command> manager) {
    String self = system.address().toString();
    ClusterShardingSettings settings = ClusterShardingSettings.create(system).withNoPassivationStrategy();
    ClusterSharding.get(system).init(Entity.of(ModelReplica.TYPE, ctx -> ModelReplica.create(ctx.getEntityId(), manager, self))
        .withRole("gpu")
        .withSettings(settings)
        .withStopMessage(new ModelReplica.HandOff("sharding moves it away"))
        .withMessageExtractor(new OneShardEach())
        .withAllocationStrategy(ExternalShardAllocationStrategy.create(system, ModelReplica.TYPE.name(), ALLOCATION_TIMEOUT)));
    return new ReplicaSharding(system);
  }

  public EntityRef<ModelReplica.Command> ref(String replicaId) {
    return sharding.entityRefFor(ModelReplica.TYPE, replicaId);
  }

  /** Where the replica's shard is to live from now on (sharding moves it there if it lives elsewhere). */
  public java.util.concurrent.CompletionStage<org.apache.pekko.Done> locate(String replicaId, String node) {
    Address address = AddressFromURIString.parse(node);
    return locations.setShardLocation(replicaId, address);
  }

  /** Shard id = entity id: every replica is placed on its own. */
  static final class OneShardEach extends ShardingMessageExtractor<ShardingEnvelope<ModelReplica.Command>, ModelReplica.Command> {
    @Override
    public String entityId(ShardingEnvelope<ModelReplica.Command> envelope) {
      return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
      return entityId;
    }

    @Override
    public ModelReplica.Command unwrapMessage(ShardingEnvelope<ModelReplica.Command> envelope) {
      return envelope.message();
    }
  }
}
