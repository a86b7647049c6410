package io.inferencia.edge.metrics;

import java.util.Set;

/**
 * The route template of a REST path, for the {@code route} label of the request counter: names and ids
 * become placeholders ({@code /v2/models/{model}/infer}), and any path the edge does not serve is
 * {@code other}, so that clients cannot grow the label set by asking for made-up paths.
 */
public final class RouteLabel {
  static final String OTHER = "other";
  private static final Set<String> MODEL_ACTIONS = Set.of("ready", "infer", "config", "stats");
  private static final Set<String> REGION_ACTIONS = Set.of("status", "register", "unregister");

  private RouteLabel() {}

  public static String of(String path) {
    String[] s = segments(path);
    if (s.length == 0) return OTHER;
    return switch (s[0]) {
      case "v2" -> v2(s);
      case "v1" -> v1(s);
      case "metrics" -> s.length == 1 ? "/metrics" : OTHER;
      default -> OTHER;
    };
  }

  private static String v2(String[] s) {
    if (s.length == 1) return "/v2";
    return switch (s[1]) {
      case "health" -> s.length == 3 && (s[2].equals("live") || s[2].equals("ready")) ? "/v2/health/" + s[2] : OTHER;
      case "models" -> models(s);
      case "repository" -> repository(s);
      case "systemsharedmemory", "cudasharedmemory" -> sharedMemory(s);
      case "logging" -> s.length == 2 ? "/v2/logging" : OTHER;
      default -> OTHER;
    };
  }

  private static String models(String[] s) {
    if (s.length == 3 && s[2].equals("stats")) return "/v2/models/stats";
    if (s.length < 3) return OTHER;
    String template = "/v2/models/{model}";
    int next = 3;
    if (s.length >= 5 && s[3].equals("versions")) {
      template += "/versions/{version}";
      next = 5;
    }
    if (s.length == next) return template;
    return s.length == next + 1 && MODEL_ACTIONS.contains(s[next]) ? template + "/" + s[next] : OTHER;
  }

  private static String repository(String[] s) {
    if (s.length == 3 && s[2].equals("index")) return "/v2/repository/index";
    if (s.length == 5 && s[2].equals("models") && (s[4].equals("load") || s[4].equals("unload")))
      return "/v2/repository/models/{model}/" + s[4];
    return OTHER;
  }

  private static String sharedMemory(String[] s) {
    String base = "/v2/" + s[1];
    if (s.length == 3 && (s[2].equals("status") || s[2].equals("unregister"))) return base + "/" + s[2];
    if (s.length == 5 && s[2].equals("region") && REGION_ACTIONS.contains(s[4])) return base + "/region/{region}/" + s[4];
    return OTHER;
  }

  private static String v1(String[] s) {
    if (s.length < 2) return OTHER;
    return switch (s[1]) {
      case "uploads" -> s.length == 2 ? "/v1/uploads"
          : s.length == 3 ? "/v1/uploads/{id}"
          : s.length == 4 && (s[3].equals("parts") || s[3].equals("complete")) ? "/v1/uploads/{id}/" + s[3] : OTHER;
      case "jobs" -> s.length == 2 ? "/v1/jobs"
          : s.length == 3 ? "/v1/jobs/{id}"
          : s.length == 4 && s[3].equals("events") ? "/v1/jobs/{id}/events" : OTHER;
      case "admin" -> admin(s);
      default -> OTHER;
    };
  }

  private static String admin(String[] s) {
    if (s.length == 3 && (s[2].equals("placement") || s[2].equals("nodes"))) return "/v1/admin/" + s[2];
    if (s.length == 5 && s[2].equals("nodes") && s[4].equals("drain")) return "/v1/admin/nodes/{address}/drain";
    if (s.length < 5 || !s[2].equals("models") || !s[s.length - 1].equals("scaling")) return OTHER;
    if (s.length == 5) return "/v1/admin/models/{model}/scaling";
    return s.length == 7 && s[4].equals("versions") ? "/v1/admin/models/{model}/versions/{version}/scaling" : OTHER;
  }

  /** The path's segments, without empty ones from a leading or trailing slash. */
  private static String[] segments(String path) {
    String p = path;
    if (p.startsWith("/")) p = p.substring(1);
    if (p.endsWith("/")) p = p.substring(0, p.length() - 1);
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }
}
