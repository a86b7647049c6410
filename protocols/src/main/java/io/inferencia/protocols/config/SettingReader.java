package io.inferencia.protocols.config;

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
 * Reads and checks one config section's values, each with the environment variable that sets it (null where
 * none does). Every failure is an {@link InvalidSettingException} naming the variable, the full key, the value
 * found and what the setting accepts.
 */
public final class SettingReader {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-:\\[\\]]+");

  private final Config section;
  private final String prefix;

  /** {@code section} is {@code root.getConfig(prefix)}. */
  public SettingReader(Config section, String prefix) {
    this.section = section;
    this.prefix = prefix;
  }

  /** The section {@code name} of the root config. */
  public static SettingReader of(Config root, String name) {
    return new SettingReader(root.getConfig(name), name);
  }

  public SettingReader child(String name) {
    return new SettingReader(section.getConfig(name), prefix + "." + name);
  }

  /** The raw value as text (trimmed), whatever its HOCON type. */
  public String string(String key, String env) {
    try {
      return section.getValue(key).unwrapped().toString().trim();
    } catch (ConfigException e) {
      throw invalid(key, env, "is missing or not a plain value");
    }
  }

  /** An http(s) base URL without path, query or credentials; empty when the value is empty. */
  public Optional<URI> baseUrl(String key, String env) {
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

  public String host(String key, String env) {
    String v = string(key, env);
    if (v.isEmpty() || !HOST.matcher(v).matches())
      throw invalid(key, env, "'" + v + "' is not a host name or address");
    return v;
  }

  /** 0 means any free port (tests). */
  public int port(String key, String env) {
    String v = string(key, env);
    try {
      int p = Integer.parseInt(v);
      if (p < 0 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw invalid(key, env, "'" + v + "' is not a port number (accepts 0-65535)");
    }
  }

  public int positiveInt(String key, String env) {
    return intAtLeast(key, env, 1);
  }

  /** A whole number of at least {@code min}. */
  public int intAtLeast(String key, String env, int min) {
    String v = string(key, env);
    try {
      int n = Integer.parseInt(v);
      if (n < min) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw invalid(key, env, "'" + v + "' is not a whole number of at least " + min);
    }
  }

  /** A size in bytes (64MiB, 1g, 1048576) of at least {@code min}. */
  public long bytesAtLeast(String key, String env, long min) {
    long n;
    try {
      n = section.getBytes(key);
    } catch (ConfigException e) {
      throw invalid(key, env, "'" + string(key, env) + "' is not a size (accepts e.g. 64MiB, 512k, 1048576)");
    }
    if (n < min) throw invalid(key, env, "'" + string(key, env) + "' is below the least accepted size, " + min + " bytes");
    return n;
  }

  public Duration positiveDuration(String key, String env) {
    Duration d = duration(key, env);
    if (d.isNegative() || d.isZero()) throw invalid(key, env, "'" + string(key, env) + "' must be longer than zero");
    return d;
  }

  public Duration nonNegativeDuration(String key, String env) {
    Duration d = duration(key, env);
    if (d.isNegative()) throw invalid(key, env, "'" + string(key, env) + "' must not be negative");
    return d;
  }

  private Duration duration(String key, String env) {
    try {
      return section.getDuration(key);
    } catch (ConfigException e) {
      throw invalid(key, env, "'" + string(key, env) + "' is not a duration (accepts e.g. 500ms, 30s, 15m, 1h)");
    }
  }

  public boolean bool(String key, String env) {
    try {
      return section.getBoolean(key);
    } catch (ConfigException e) {
      throw invalid(key, env, "'" + string(key, env) + "' is not a boolean (accepts on/off, true/false, yes/no)");
    }
  }

  /** A path that is a directory or does not exist yet (it is created). */
  public Path directory(String key, String env) {
    Path p = path(key, env);
    if (Files.exists(p) && !Files.isDirectory(p)) throw invalid(key, env, p + " exists and is not a directory");
    return p;
  }

  /** A path to a directory that exists. */
  public Path existingDirectory(String key, String env) {
    Path p = path(key, env);
    if (!Files.isDirectory(p)) throw invalid(key, env, p + " is not a directory");
    return p;
  }

  private Path path(String key, String env) {
    String v = string(key, env);
    try {
      if (v.isEmpty()) throw new InvalidPathException(v, "empty");
      return Path.of(v).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw invalid(key, env, "'" + v + "' is not a path");
    }
  }

  public InvalidSettingException invalid(String key, String env, String problem) {
    return new InvalidSettingException(env, prefix + "." + key, problem);
  }
}
