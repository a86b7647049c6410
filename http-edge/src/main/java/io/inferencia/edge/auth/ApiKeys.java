package io.inferencia.edge.auth;

import com.typesafe.config.Config;
import io.inferencia.protocols.config.InvalidSettingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API keys, held only as SHA-256 digests. Configured as {@code api.keys { "<key>" = "<tenant>[:<roles>]" }}
 * or {@code API_KEYS=key1:tenant1,key2:tenant2:admin+infer}; a key may itself be given as
 * {@code sha256:<64 hex>} so that the configuration never holds it in clear. A key without roles
 * gets {@code api.default-roles}.
 */
public final class ApiKeys {
  public static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final String DIGEST_PREFIX = "sha256:";
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private final Map<String, Principal> byDigest;

  ApiKeys(Map<String, Principal> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  public static ApiKeys fromConfig(Config api) {
    Set<Role> defaults = roles(api.getString("default-roles"), "api.default-roles", null);
    Map<String, Principal> keys = new LinkedHashMap<>();
    Config k = api.getConfig("keys");
    for (String key : k.root().keySet())
      add(keys, key, k.getString("\"" + key + "\""), defaults, "api.keys", null);
    String list = api.getString("keys-list").trim();
    if (!list.isEmpty())
      for (String entry : list.split(",")) {
        String e = entry.trim();
        int keyEnd = e.startsWith(DIGEST_PREFIX) ? e.indexOf(':', DIGEST_PREFIX.length()) : e.indexOf(':');
        if (keyEnd <= 0 || keyEnd == e.length() - 1) throw new InvalidSettingException("API_KEYS", "api.keys-list",
            "entry '" + e + "' is not key:tenant[:roles] (accepts key1:tenant1,key2:tenant2:admin+infer+jobs)");
        add(keys, e.substring(0, keyEnd), e.substring(keyEnd + 1), defaults, "api.keys-list", "API_KEYS");
      }
    return new ApiKeys(keys);
  }

  private static void add(Map<String, Principal> keys, String key, String value, Set<Role> defaults, String setting, String env) {
    String[] parts = value.split(":", 2);
    String tenant = parts[0].trim();
    if (!TENANT.matcher(tenant).matches())
      throw new InvalidSettingException(env, setting, "tenant name '" + tenant + "' must match " + TENANT);
    Set<Role> roles = parts.length == 2 ? roles(parts[1], setting, env) : defaults;
    String digest = digestOf(key.trim(), setting, env);
    keys.put(digest, new Principal("key:" + digest.substring(0, 8), Optional.of(tenant), roles));
  }

  private static Set<Role> roles(String list, String setting, String env) {
    try {
      return Role.parseList(list);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(env, setting, e.getMessage());
    }
  }

  private static String digestOf(String key, String setting, String env) {
    if (key.startsWith(DIGEST_PREFIX)) {
      String hex = key.substring(DIGEST_PREFIX.length()).toLowerCase();
      if (!HEX64.matcher(hex).matches())
        throw new InvalidSettingException(env, setting, "a hashed key is sha256: and 64 hex digits");
      return hex;
    }
    if (key.isEmpty()) throw new InvalidSettingException(env, setting, "an API key may not be empty");
    return sha256(key);
  }

  static String sha256(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean isEmpty() {
    return byDigest.isEmpty();
  }

  /** The key's caller; the lookup is by digest, so timing tells nothing about the configured keys. */
  public Optional<Principal> find(String presented) {
    return Optional.ofNullable(byDigest.get(sha256(presented)));
  }
}
