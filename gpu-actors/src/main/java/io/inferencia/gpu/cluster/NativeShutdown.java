package io.inferencia.gpu.cluster;

import io.inferencia.gpu.InferenceSettings;
import io.inferencia.gpu.runtime.NativeGate;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Shuts the process's ONNX Runtime gate as the last step before the actor system terminates, when the
 * shutdown ends in the JVM's exit: by then the node left the cluster and answered what it accepted, so
 * a batch still running would only race libonnxruntime's destructors at exit. A shutdown that keeps the
 * JVM (tests, tools) leaves the gate open for the other actor systems in it.
 */
public final class NativeShutdown {
  private NativeShutdown() {}

  public static void register(ActorSystem<?> system) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(Adapter.toClassic(system));
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig(InferenceSettings.BLOCKING_DISPATCHER));
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "shut-onnx-runtime", () -> {
      if (!endsInExit(system, shutdown)) return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
      return NativeGate.PROCESS.shutDown(blocking).thenApply(v -> Done.getInstance());
    });
  }

  private static boolean endsInExit(ActorSystem<?> system, CoordinatedShutdown shutdown) {
    boolean jvmExit = shutdown.getShutdownReason()
        .map(reason -> reason instanceof CoordinatedShutdown.JvmExitReason$)
        .orElse(false);
    return jvmExit || system.settings().config().getBoolean("pekko.coordinated-shutdown.exit-jvm");
  }
}
