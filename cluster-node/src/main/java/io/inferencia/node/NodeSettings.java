package io.inferencia.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node's deployment contract, validated once at start: each value comes from the {@code node}
 * config section, itself overridable by the environment variable named in the error message.
 */
public record NodeSettings(
    String host,
    String advertisedHost,
    int httpPort,
    int grpcPort,
    int managementPort,
    int remotePort,
    List<String> seedNodes,
    Set<NodeRole> roles,
    Path dataDir,
    Path modelRepository,
    int s3Port,
    Duration startupWait) {

  public static final String SYSTEM_NAME = "inferencia";
  private static final Pattern SEED =
      Pattern.compile("pekko://" + SYSTEM_NAME + "@[A-Za-z0-9.\\-]+:\\d{1,5}");

  public static NodeSettings from(Config config) {
    Config c = config.getConfig("node");
    return new NodeSettings(
        host(c, "host", "HOST"),
        host(c, "advertised-host", "ADVERTISED_HOST"),
        port(c, "http-port", "HTTP_PORT"),
        port(c, "grpc-port", "GRPC_PORT"),
        port(c, "management-port", "MANAGEMENT_PORT"),
        port(c, "remote-port", "REMOTE_PORT"),
        seeds(c),
        roles(c),
        dataDir(c),
        modelRepository(c),
        port(c, "s3-port", "S3_PORT"),
        duration(c, "startup-wait", "STARTUP_WAIT"));
  }

  public boolean hasRole(NodeRole role) {
    return roles.contains(role);
  }

  /** The Pekko settings these values imply, to be layered over the loaded config. */
  public Config pekkoOverrides() {
    Map<String, Object> o = new HashMap<>();
    o.put("pekko.remote.artery.canonical.hostname", advertisedHost);
    o.put("pekko.remote.artery.canonical.port", remotePort);
    o.put("pekko.remote.artery.bind.hostname", host);
    o.put("pekko.remote.artery.bind.port", remotePort);
    o.put("pekko.cluster.roles", roles.stream().map(NodeRole::roleName).toList());
    o.put("pekko.cluster.seed-nodes", seedNodes);
    o.put("pekko.management.http.hostname", advertisedHost);
    o.put("pekko.management.http.bind-hostname", host);
    o.put("pekko.management.http.port", managementPort);
    o.put("pekko.management.http.bind-port", managementPort);
    o.put("inference.model-repository", modelRepository.toString());
    o.put("edge.host", host);
    o.put("edge.http-port", httpPort);
    o.put("edge.grpc-port", grpcPort);
    o.put("storage.embedded.host", host);
    o.put("storage.embedded.port", s3Port);
    o.put("storage.embedded.advertised-host", advertisedHost);
    o.put("storage.embedded.data-dir", dataDir.resolve("s3").toString());
    return ConfigFactory.parseMap(o, "node settings");
  }

  private static String raw(Config c, String key) {
    return c.hasPath(key) ? c.getValue(key).unwrapped().toString().trim() : "";
  }

  private static String host(Config c, String key, String env) {
    String v = raw(c, key);
    if (v.isEmpty() || !v.matches("[A-Za-z0-9.\\-:]+"))
      throw new InvalidSettingException(env, "node." + key, "'" + v + "' is not a host name or address");
    return v;
  }

  private static int port(Config c, String key, String env) {
    String v = raw(c, key);
    try {
      int p = Integer.parseInt(v);
      if (p < 0 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(env, "node." + key, "'" + v + "' is not a port number (0-65535)");
    }
  }

  private static Duration duration(Config c, String key, String env) {
    String v = raw(c, key);
    try {
      Duration d = c.getDuration(key);
      if (d.isNegative()) throw new IllegalArgumentException();
      return d;
    } catch (RuntimeException e) {
      throw new InvalidSettingException(env, "node." + key, "'" + v + "' is not a duration like 60s or 2m");
    }
  }

  private static List<String> seeds(Config c) {
    List<String> out = new ArrayList<>();
    for (String s : raw(c, "seed-nodes").split(",")) {
      String seed = s.trim();
      if (seed.isEmpty()) continue;
      if (!SEED.matcher(seed).matches())
        throw new InvalidSettingException(
            "SEED_NODES", "node.seed-nodes",
            "'" + seed + "' is not a node address like pekko://" + SYSTEM_NAME + "@host:2551");
      out.add(seed);
    }
    return List.copyOf(out);
  }

  private static Set<NodeRole> roles(Config c) {
    Set<NodeRole> roles = EnumSet.noneOf(NodeRole.class);
    for (String s : raw(c, "roles").split(",")) {
      String name = s.trim();
      if (name.isEmpty()) continue;
      roles.add(
          NodeRole.parse(name)
              .orElseThrow(() -> new InvalidSettingException(
                  "NODE_ROLES", "node.roles",
                  "unknown role '" + name + "' (known: " + Arrays.toString(roleNames()) + ")")));
    }
    if (roles.isEmpty())
      throw new InvalidSettingException("NODE_ROLES", "node.roles", "at least one role is required");
    return Set.copyOf(roles);
  }

  private static String[] roleNames() {
    return Arrays.stream(NodeRole.values()).map(NodeRole::roleName).toArray(String[]::new);
  }

  private static Path dataDir(Config c) {
    Path p = Path.of(raw(c, "data-dir")).toAbsolutePath().normalize();
    if (Files.exists(p) && !Files.isDirectory(p))
      throw new InvalidSettingException("DATA_DIR", "node.data-dir", p + " exists and is not a directory");
    return p;
  }

  private static Path modelRepository(Config c) {
    Path p = Path.of(raw(c, "model-repository")).toAbsolutePath().normalize();
    if (!Files.isDirectory(p))
      throw new InvalidSettingException(
          "MODEL_REPOSITORY", "node.model-repository", p + " is not a directory");
    return p;
  }
}
