package io.inferencia.edge.api;

import com.typesafe.config.Config;
import io.inferencia.protocols.config.InvalidSettingException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who is calling. With API keys configured ({@code api.keys { "<key>" = "<tenant>" }}, or
 * {@code API_KEYS=key1:tenant1,key2:tenant2}), every {@code /v1} call needs one, as
 * {@code Authorization: Bearer <key>} or {@code X-Api-Key}; without keys the node is open and every
 * caller is the default tenant. Tenants scope uploads (their key prefix) and jobs.
 */
public final class Tenants {
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private final Map<String, String> byKey;
  private final String defaultTenant;

  public Tenants(Map<String, String> byKey, String defaultTenant) {
    for (String t : byKey.values())
      if (!NAME.matcher(t).matches()) throw new IllegalArgumentException("tenant name '" + t + "' must match " + NAME);
    if (!NAME.matcher(defaultTenant).matches())
      throw new IllegalArgumentException("api.default-tenant '" + defaultTenant + "' must match " + NAME);
    this.byKey = Map.copyOf(byKey);
    this.defaultTenant = defaultTenant;
  }

  public static Tenants fromConfig(Config api) {
    Map<String, String> keys = new HashMap<>();
    Config k = api.getConfig("keys");
    for (String key : k.root().keySet()) keys.put(key, k.getString("\"" + key + "\""));
    String env = api.getString("keys-list").trim();
    if (!env.isEmpty())
      for (String pair : env.split(",")) {
        int colon = pair.indexOf(':');
        if (colon <= 0) throw new InvalidSettingException("API_KEYS", "api.keys-list",
              "entry '" + pair + "' is not key:tenant (accepts key1:tenant1,key2:tenant2)");
        keys.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
      }
    return new Tenants(keys, api.getString("default-tenant"));
  }

  public boolean open() {
    return byKey.isEmpty();
  }

  /** The tenant for the presented key (from a bearer token or an API key header), or 401. */
  public String resolve(Optional<String> authorization, Optional<String> apiKey) {
    if (open()) return defaultTenant;
    Optional<String> key = apiKey.or(() -> authorization
        .filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(a -> a.substring(7).trim()));
    if (key.isEmpty()) throw ApiProblem.unauthorized("send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key'");
    for (Map.Entry<String, String> e : byKey.entrySet())
      if (constantTimeEquals(e.getKey(), key.get())) return e.getValue();
    throw ApiProblem.unauthorized("the API key is not valid");
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
