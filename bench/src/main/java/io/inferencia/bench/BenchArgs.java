package io.inferencia.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Command-line parsing shared by the benchmarks: {@code --name value} pairs. */
final class BenchArgs {
  private BenchArgs() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length)
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }

  static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  /**
   * The node's JVM options: {@code --jvm "-Xmx.. -XX:.."} when given (empty for none), else the README's
   * ({@code cluster-node/jvm.options} under {@code root}).
   */
  static java.util.List<String> jvmOptions(Map<String, String> args, java.nio.file.Path root) throws java.io.IOException {
    if (!args.containsKey("jvm")) return io.inferencia.node.testkit.NodeProcess.shippedJvmOptions(root);
    String jvm = args.get("jvm").trim();
    return jvm.isEmpty() ? java.util.List.of() : java.util.List.of(jvm.split("\\s+"));
  }

  /** "K=V;K2=V2": extra environment for a node under test (e.g. JAVA_TOOL_OPTIONS=...). */
  static Map<String, String> environment(String spec) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String kv : spec.split(";")) {
      if (kv.isBlank()) continue;
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--node-env expects K=V pairs separated by ';', got " + kv);
      env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return env;
  }
}
