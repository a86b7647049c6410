package io.inferencia.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.protocols.config.SettingReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node's own deployment values, validated once at start: the {@code node} section (roles, seeds, data
 * dir, startup wait) and the Pekko keys that {@code cluster.conf} sets from the environment (remote and
 * management addresses). A bad value fails with the environment variable that carries it.
 *
 * <p>Each value has one home: the key that uses it, with its {@code ${?VAR}} override beside it in a .conf
 * file. Only the role and seed lists are turned into Pekko settings here ({@link #clusterConfig()}), because
 * HOCON cannot split the comma-separated variables into lists.
 */
public record NodeSettings(
    String host,
    String advertisedHost,
    int managementPort,
    int remotePort,
    List<String> seedNodes,
    Discovery discovery,
    Set<NodeRole> roles,
    Path dataDir,
    Duration startupWait) {

  public static final String SYSTEM_NAME = "inferencia";

  /** How the node finds its cluster. */
  public enum Discovery {
    /** {@code SEED_NODES}; with none, the node forms its own cluster. */
    SEEDS("seeds"),
    /** Pekko Cluster Bootstrap: contact points are the pods the Kubernetes API lists for the service name. */
    KUBERNETES_API("kubernetes-api");

    private final String setting;

    Discovery(String setting) {
      this.setting = setting;
    }

    public String setting() {
      return setting;
    }
  }

  private static final Pattern SEED =
      Pattern.compile("pekko://" + SYSTEM_NAME + "@[A-Za-z0-9.\\-]+:\\d{1,5}");

  public static NodeSettings from(Config config) {
    checkDowning(config);
    SettingReader node = SettingReader.of(config, "node");
    SettingReader artery = SettingReader.of(config, "pekko.remote.artery");
    SettingReader management = SettingReader.of(config, "pekko.management.http");
    List<String> seeds = seeds(node);
    return new NodeSettings(
        artery.host("bind.hostname", "HOST"),
        artery.host("canonical.hostname", "ADVERTISED_HOST"),
        management.port("port", "MANAGEMENT_PORT"),
        artery.port("canonical.port", "REMOTE_PORT"),
        seeds,
        discovery(node, seeds, config),
        roles(node),
        node.directory("data-dir", "DATA_DIR"),
        node.nonNegativeDuration("startup-wait", "STARTUP_WAIT"));
  }

  private static final Set<String> SBR_STRATEGIES =
      Set.of("keep-majority", "static-quorum", "keep-oldest", "down-all", "lease-majority");

  /** The split brain resolver's strategy and stable-after, checked so a typo stops the node with its variable's name. */
  public static void checkDowning(Config config) {
    SettingReader sbr = SettingReader.of(config, "pekko.cluster.split-brain-resolver");
    String strategy = sbr.string("active-strategy", "SBR_STRATEGY");
    if (!SBR_STRATEGIES.contains(strategy))
      throw sbr.invalid("active-strategy", "SBR_STRATEGY", "'" + strategy + "' is not a strategy (accepts "
          + String.join(", ", new java.util.TreeSet<>(SBR_STRATEGIES)) + ")");
    sbr.positiveDuration("stable-after", "SBR_STABLE_AFTER");
  }

  /** A gpu node serves the model repository, which must be there ({@code inference.model-repository}). */
  public static Path modelRepository(Config config) {
    return SettingReader.of(config, "inference").existingDirectory("model-repository", "MODEL_REPOSITORY");
  }

  public boolean hasRole(NodeRole role) {
    return roles.contains(role);
  }

  /** {@code pekko.cluster.roles} and {@code seed-nodes} from the comma-separated NODE_ROLES and SEED_NODES. */
  public Config clusterConfig() {
    return ConfigFactory.parseMap(Map.of(
        "pekko.cluster.roles", roles.stream().map(NodeRole::roleName).sorted().toList(),
        "pekko.cluster.seed-nodes", seedNodes), "NODE_ROLES and SEED_NODES");
  }

  private static List<String> seeds(SettingReader node) {
    List<String> out = new ArrayList<>();
    for (String s : node.string("seed-nodes", "SEED_NODES").split(",")) {
      String seed = s.trim();
      if (seed.isEmpty()) continue;
      if (!SEED.matcher(seed).matches())
        throw node.invalid("seed-nodes", "SEED_NODES",
            "'" + seed + "' is not a node address (accepts comma-separated pekko://" + SYSTEM_NAME + "@host:2551)");
      out.add(seed);
    }
    return List.copyOf(out);
  }

  private static Discovery discovery(SettingReader node, List<String> seeds, Config config) {
    String value = node.string("discovery", "DISCOVERY_METHOD").trim();
    Discovery discovery = Arrays.stream(Discovery.values()).filter(d -> d.setting().equals(value)).findFirst()
        .orElseThrow(() -> node.invalid("discovery", "DISCOVERY_METHOD", "'" + value + "' is not a discovery method"
            + " (accepts seeds, kubernetes-api)"));
    if (discovery == Discovery.KUBERNETES_API) {
      if (!seeds.isEmpty())
        throw node.invalid("discovery", "DISCOVERY_METHOD", "kubernetes-api finds the cluster itself: leave SEED_NODES empty");
      SettingReader.of(config, "pekko.management.cluster.bootstrap.contact-point-discovery")
          .intAtLeast("required-contact-point-nr", "BOOTSTRAP_REQUIRED_CONTACT_POINTS", 1);
      String service = SettingReader.of(config, "pekko.management.cluster.bootstrap.contact-point-discovery")
          .string("service-name", "BOOTSTRAP_SERVICE_NAME");
      if (service.isBlank())
        throw node.invalid("discovery", "DISCOVERY_METHOD", "kubernetes-api needs BOOTSTRAP_SERVICE_NAME");
    }
    return discovery;
  }

  private static Set<NodeRole> roles(SettingReader node) {
    Set<NodeRole> roles = EnumSet.noneOf(NodeRole.class);
    for (String s : node.string("roles", "NODE_ROLES").split(",")) {
      String name = s.trim();
      if (name.isEmpty()) continue;
      roles.add(NodeRole.parse(name).orElseThrow(() -> node.invalid("roles", "NODE_ROLES",
          "unknown role '" + name + "' (accepts a comma-separated list of " + Arrays.toString(roleNames()) + ")")));
    }
    if (roles.isEmpty())
      throw node.invalid("roles", "NODE_ROLES", "at least one role is required (accepts " + Arrays.toString(roleNames()) + ")");
    return Set.copyOf(roles);
  }

  private static String[] roleNames() {
    return Arrays.stream(NodeRole.values()).map(NodeRole::roleName).toArray(String[]::new);
  }
}
