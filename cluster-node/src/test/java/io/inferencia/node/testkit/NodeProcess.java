package io.inferencia.node.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.core.ConditionTimeoutException;

/** The packaged node (cluster-node.jar) run as a child JVM on free ports, as a user would run it. */
public final class NodeProcess implements AutoCloseable {
  /** Test ports come from here, below the kernel's ephemeral range; see {@link #freePort()}. */
  private static final int FIRST_PORT = 20000;
  private static final int PORTS = 12000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /** As the README's command and the image start the node: tensors of a few MiB are not humongous objects. */
  private static final String LARGE_REGIONS = "-XX:G1HeapRegionSize=8m";

  public final int httpPort;
  public final int grpcPort;
  public final int s3Port;
  public final int managementPort;
  /** Artery's port: the node's cluster address is pekko://inferencia@127.0.0.1:{remotePort}. */
  public final int remotePort;
  private final Process process;
  private final Path log;

  private NodeProcess(Process process, int httpPort, int grpcPort, int s3Port, int managementPort, int remotePort,
      Path log) {
    this.process = process;
    this.remotePort = remotePort;
    this.managementPort = managementPort;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
    this.s3Port = s3Port;
    this.log = log;
  }

  /** Starts the node on free ports and waits until /v2/health/ready answers 200. */
  public static NodeProcess start(Path jar, Path modelRepository, Path dataDir, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    return start(jar, modelRepository, dataDir, extraEnv, "-Xmx2g");
  }

  /** As above, with the JVM's heap limit (e.g. {@code -Xmx160m}). */
  public static NodeProcess start(Path jar, Path modelRepository, Path dataDir, Map<String, String> extraEnv,
      String maxHeap) throws IOException, InterruptedException {
    NodeProcess node = launch(jar, modelRepository, dataDir, extraEnv, maxHeap);
    node.awaitReady(Duration.ofSeconds(120));
    return node;
  }

  /** The JVM options the README's command passes ({@code cluster-node/jvm.options} under {@code root}), comments left out. */
  public static List<String> shippedJvmOptions(Path root) throws IOException {
    List<String> options = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("cluster-node/jvm.options"))) {
      String option = line.strip();
      if (!option.isEmpty() && !option.startsWith("#")) options.add(option);
    }
    return options;
  }

  /** As above, with these JVM options instead of the heap limit and region size (a memory benchmark's settings). */
  public static NodeProcess startWithJvmOptions(Path jar, Path modelRepository, Path dataDir, Map<String, String> extraEnv,
      List<String> jvmOptions) throws IOException, InterruptedException {
    // As the README's command runs it: glibc with two malloc arenas, unless the caller says otherwise.
    Map<String, String> env = new java.util.HashMap<>(Map.of("MALLOC_ARENA_MAX", "2"));
    env.putAll(extraEnv);
    NodeProcess node = launch(jar, modelRepository, dataDir, env, jvmOptions);
    node.awaitReady(Duration.ofSeconds(120));
    return node;
  }

  /** Starts the node without waiting for readiness (for start-up failure tests). */
  public static NodeProcess launch(Path jar, Path modelRepository, Path dataDir, Map<String, String> extraEnv)
      throws IOException {
    return launch(jar, modelRepository, dataDir, extraEnv, "-Xmx2g");
  }

  private static NodeProcess launch(Path jar, Path modelRepository, Path dataDir, Map<String, String> extraEnv,
      String maxHeap) throws IOException {
    return launch(jar, modelRepository, dataDir, extraEnv, List.of(maxHeap, LARGE_REGIONS));
  }

  private static NodeProcess launch(Path jar, Path modelRepository, Path dataDir, Map<String, String> extraEnv,
      List<String> jvmOptions) throws IOException {
    Path log = Files.createTempFile("node-", ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    for (String port : List.of("HTTP_PORT", "GRPC_PORT", "MANAGEMENT_PORT", "REMOTE_PORT", "S3_PORT"))
      if (!extraEnv.containsKey(port)) env.put(port, Integer.toString(freePort()));
    env.put("MODEL_REPOSITORY", modelRepository.toString());
    env.put("DATA_DIR", dataDir.toString());
    env.putAll(extraEnv);
    // A restarted node may keep its ports (extraEnv names them): report what it really binds.
    return new NodeProcess(pb.start(), port(env, "HTTP_PORT"), port(env, "GRPC_PORT"), port(env, "S3_PORT"),
        port(env, "MANAGEMENT_PORT"), port(env, "REMOTE_PORT"), log);
  }

  /** The port the variable names; -1 for a value that is no port (a test of how the node refuses it). */
  private static int port(Map<String, String> env, String name) {
    try {
      return Integer.parseInt(env.get(name));
    } catch (NumberFormatException notAPort) {
      return -1;
    }
  }

  /** Waits for the process to exit; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
      throw new IllegalStateException("node still running after " + timeout);
    return process.exitValue();
  }

  /** The node's process, e.g. to read the CPU time it used. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  public String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, as Kubernetes stops a pod; returns the exit code (a drain may take a while). */
  public int terminate() throws InterruptedException {
    process.destroy();
    return awaitExit(Duration.ofSeconds(120));
  }

  /** SIGKILL: no shutdown hooks, no flushing. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Waits until /v2/health/ready answers 200 (fails with the node's log if it exits or times out). */
  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + httpPort + "/v2/health/ready");
    try {
      await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
          .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
          .until(() -> {
            if (!process.isAlive())
              throw new IllegalStateException("node exited with " + process.exitValue() + ":\n" + Files.readString(log));
            return http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          });
    } catch (ConditionTimeoutException e) {
      close();
      throw new IllegalStateException("node not ready within " + timeout + ":\n" + Files.readString(log));
    }
  }

  /**
   * A port nobody listens on, chosen below Linux's ephemeral range (32768 and up). A port the OS
   * handed out as {@code ServerSocket(0)} could be taken again as the local port of some test's
   * outgoing connection before the node binds it (seen: "Address already in use" for a gRPC edge).
   * Ports handed out here are never handed out twice in this JVM.
   */
  public static int freePort() throws IOException {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = FIRST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
      if (!HANDED_OUT.add(port)) continue;
      try (ServerSocket s = new ServerSocket(port)) {
        return s.getLocalPort();
      } catch (IOException inUse) {
        // someone else's: try another
      }
    }
    throw new IOException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
  }


  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
  }
}
