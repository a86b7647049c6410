package io.inferencia.edge.jobs;

import com.typesafe.config.Config;
import io.inferencia.edge.api.ApiProblem;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.stego.StegoParams;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tasks a job may name: {@code ocr} (an image, read whole, at most {@code jobs.limits.ocr}),
 * {@code vad} (a WAV, streamed, at most {@code jobs.limits.vad}), or any model the inference core
 * serves (its input object is a KServe v2 inference request, at most {@code jobs.limits.model}), or
 * {@code stego.encode} / {@code stego.decode} (a WAV, streamed, at most {@code jobs.limits.stego}).
 * The repository index behind the check is cached for a second, so submissions do not each ask it.
 */
public final class TaskCatalog {
  public static final String OCR = "ocr";
  public static final String VAD = "vad";
  private static final long INDEX_TTL_NANOS = 1_000_000_000L;

  public enum Kind { OCR, VAD, MODEL, STEGO_ENCODE, STEGO_DECODE }

  /** What running the task takes; {@code model} is the inference model behind it. */
  public record Task(String name, Kind kind, String model, long maxInputBytes) {}

  private record Index(List<ModelIndexEntry> models, long fetchedAt) {}

  private final InferenceGateway gateway;
  private final long ocrLimit;
  private final long vadLimit;
  private final long modelLimit;
  private final long stegoLimit;
  private final long stegoSecretLimit;
  private final AtomicReference<Index> cached = new AtomicReference<>();

  public TaskCatalog(InferenceGateway gateway, Config limits) {
    this.gateway = gateway;
    this.ocrLimit = limits.getBytes("ocr");
    this.vadLimit = limits.getBytes("vad");
    this.modelLimit = limits.getBytes("model");
    this.stegoLimit = limits.hasPath("stego") ? limits.getBytes("stego") : vadLimit;
    this.stegoSecretLimit = limits.hasPath("stego-secret") ? limits.getBytes("stego-secret") : 16L << 20;
  }

  /** The largest secret a stego job embeds. */
  public long stegoSecretLimit() {
    return stegoSecretLimit;
  }

  /** The task, once the model behind it is known to be served; unknown → 400, not ready → 503. */
  public CompletionStage<Task> resolve(String name) {
    Task task = switch (name) {
      case OCR -> new Task(OCR, Kind.OCR, "ocr", ocrLimit);
      case VAD -> new Task(VAD, Kind.VAD, "vad", vadLimit);
      case StegoParams.ENCODE_TASK -> new Task(name, Kind.STEGO_ENCODE, "stego_encode", stegoLimit);
      case StegoParams.DECODE_TASK -> new Task(name, Kind.STEGO_DECODE, "stego_decode", stegoLimit);
      default -> new Task(name, Kind.MODEL, name, modelLimit);
    };
    return index().thenApply(models -> {
      List<ModelIndexEntry> versions = models.stream().filter(m -> m.name().equals(task.model())).toList();
      if (versions.isEmpty())
        throw ApiProblem.badRequest("unknown-task", "'" + name + "' is not a task (" + OCR + ", " + VAD + ", "
            + StegoParams.ENCODE_TASK + ", " + StegoParams.DECODE_TASK + ") or a model this server serves");
      if (versions.stream().noneMatch(m -> m.state() == ModelState.READY))
        throw ApiProblem.unavailable("task-unavailable", "task '" + name + "' is not available right now (model '"
            + task.model() + "' is " + versions.get(0).state() + ")");
      return task;
    });
  }

  private CompletionStage<List<ModelIndexEntry>> index() {
    Index current = cached.get();
    long now = System.nanoTime();
    if (current != null && now - current.fetchedAt() < INDEX_TTL_NANOS) return CompletableFuture.completedFuture(current.models());
    return gateway.index(false).handle((models, failure) -> {
      if (failure != null)
        throw ApiProblem.unavailable("task-unavailable", "the inference core did not answer: " + failure.getMessage());
      cached.set(new Index(List.copyOf(models), System.nanoTime()));
      return models;
    });
  }
}
