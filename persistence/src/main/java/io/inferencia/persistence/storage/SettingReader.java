package io.inferencia.persistence.storage;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and checks one config section's values. Every failure is an IllegalArgumentException naming the full
 * key and the environment variable that sets it, so a bad deployment value is found from the message alone.
 */
final class SettingReader {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-:\\[\\]]+");

  private final Config section;
  private final String prefix;

  SettingReader(Config section, String prefix) {
    this.section = section;
    this.prefix = prefix;
  }

  SettingReader child(String name) {
    return new SettingReader(section.getConfig(name), prefix + "." + name);
  }

  String string(String key, String env) {
    try {
      return section.getValue(key).unwrapped().toString().trim();
    } catch (ConfigException e) {
      throw invalid(key, env, "is missing or not a plain value");
    }
  }

  /** An http(s) base URL without path, query or credentials; empty when the value is empty. */
  Optional<URI> baseUrl(String key, String env) {
    String v = string(key, env);
    if (v.isEmpty()) return Optional.empty();
    URI uri;
    try {
      uri = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
    } catch (URISyntaxException e) {
      throw invalid(key, env, "'" + v + "' is not a URL");
    }
    boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
    if (!http || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
        || uri.getRawFragment() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()))
      throw invalid(key, env, "'" + v + "' is not an http(s) base URL like http://host:9000");
    return Optional.of(uri);
  }

  String host(String key, String env) {
    String v = string(key, env);
    if (v.isEmpty() || !HOST.matcher(v).matches())
      throw invalid(key, env, "'" + v + "' is not a host name or address");
    return v;
  }

  /** 0 means any free port (tests). */
  int port(String key, String env) {
    String v = string(key, env);
    try {
      int p = Integer.parseInt(v);
      if (p < 0 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw invalid(key, env, "'" + v + "' is not a port number (0-65535)");
    }
  }

  int positiveInt(String key, String env) {
    String v = string(key, env);
    try {
      int n = Integer.parseInt(v);
      if (n <= 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw invalid(key, env, "'" + v + "' is not a positive whole number");
    }
  }

  Duration positiveDuration(String key, String env) {
    Duration d;
    try {
      d = section.getDuration(key);
    } catch (ConfigException e) {
      throw invalid(key, env, "'" + string(key, env) + "' is not a duration like 5s");
    }
    if (d.isNegative() || d.isZero()) throw invalid(key, env, "must be longer than zero");
    return d;
  }

  boolean bool(String key, String env) {
    try {
      return section.getBoolean(key);
    } catch (ConfigException e) {
      throw invalid(key, env, "'" + string(key, env) + "' is not on/off");
    }
  }

  Path directory(String key, String env) {
    String v = string(key, env);
    try {
      if (v.isEmpty()) throw new InvalidPathException(v, "empty");
      Path p = Path.of(v).toAbsolutePath().normalize();
      if (Files.exists(p) && !Files.isDirectory(p)) throw invalid(key, env, p + " exists and is not a directory");
      return p;
    } catch (InvalidPathException e) {
      throw invalid(key, env, "'" + v + "' is not a path");
    }
  }

  IllegalArgumentException invalid(String key, String env, String problem) {
    String where = env == null ? prefix + "." + key : prefix + "." + key + " (" + env + ")";
    return new IllegalArgumentException(where + ": " + problem);
  }
}
