package io.inferencia.gpu.actors;

import com.google.protobuf.InvalidProtocolBufferException;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceFailure;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The inference core seen through asks to the {@link ModelManager}. Every failure completes the stage
 * with an {@link InferenceException}: reply failures keep their kind, an ask timeout is
 * DEADLINE_EXCEEDED, anything else INTERNAL.
 */
public final class ActorInferenceGateway implements InferenceGateway {
  private final ActorRef<ModelManager.Command> manager;
  private final Scheduler scheduler;
  private final Duration timeout;

  public ActorInferenceGateway(ActorRef<ModelManager.Command> manager, Scheduler scheduler, Duration timeout) {
    this.manager = manager;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    return ask((ActorRef<ModelManager.InferReply> r) -> new ModelManager.Infer(request, r),
        reply -> value(reply.response(), reply.failure()));
  }

  @Override
  public CompletionStage<Boolean> serverReady() {
    return ask((ActorRef<ModelManager.ReadyReply> r) -> new ModelManager.GetServerReady(r), ModelManager.ReadyReply::ready);
  }

  @Override
  public CompletionStage<List<ModelIndexEntry>> index(boolean readyOnly) {
    return ask((ActorRef<ModelManager.IndexReply> r) -> new ModelManager.GetIndex(readyOnly, r), ModelManager.IndexReply::models);
  }

  @Override
  public CompletionStage<ModelMetadata> metadata(String model, String version) {
    return ask((ActorRef<ModelManager.MetadataReply> r) -> new ModelManager.GetMetadata(model, orEmpty(version), r),
        reply -> value(reply.metadata(), reply.failure()));
  }

  @Override
  public CompletionStage<ModelConfig> config(String model, String version) {
    return ask((ActorRef<ModelManager.ConfigReply> r) -> new ModelManager.GetConfig(model, orEmpty(version), r),
        reply -> parseConfig(value(reply.config(), reply.failure())));
  }

  @Override
  public CompletionStage<Boolean> modelReady(String model, String version) {
    return ask((ActorRef<ModelManager.ReadyReply> r) -> new ModelManager.GetModelReady(model, orEmpty(version), r),
        ModelManager.ReadyReply::ready);
  }

  @Override
  public CompletionStage<List<ModelStatistics>> statistics(String model, String version) {
    return ask((ActorRef<ModelManager.StatisticsReply> r) -> new ModelManager.GetStatistics(orEmpty(model), orEmpty(version), r),
        reply -> value(reply.models(), reply.failure()));
  }

  @Override
  public CompletionStage<Void> load(String model, String configText) {
    return ask((ActorRef<ModelManager.ControlReply> r) -> new ModelManager.Load(model, configText, r), reply -> done(reply.failure()));
  }

  @Override
  public CompletionStage<Void> unload(String model) {
    return ask((ActorRef<ModelManager.ControlReply> r) -> new ModelManager.Unload(model, r), reply -> done(reply.failure()));
  }

  private <R, T> CompletionStage<T> ask(
      org.apache.pekko.japi.function.Function<ActorRef<R>, ModelManager.Command> message, Function<R, T> unwrap) {
    CompletableFuture<T> result = new CompletableFuture<>();
    AskPattern.ask(manager, message, timeout, scheduler).whenComplete((reply, error) -> {
      if (error != null) result.completeExceptionally(classify(error));
      else {
        try {
          result.complete(unwrap.apply(reply));
        } catch (InferenceException e) {
          result.completeExceptionally(e);
        }
      }
    });
    return result;
  }

  private static <T> T value(T value, InferenceFailure failure) {
    if (failure != null) throw failure.toException();
    return value;
  }

  private static Void done(InferenceFailure failure) {
    if (failure != null) throw failure.toException();
    return null;
  }

  private static ModelConfig parseConfig(byte[] bytes) {
    try {
      return ModelConfig.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InferenceException(ErrorKind.INTERNAL, "model config did not decode: " + e.getMessage());
    }
  }

  private InferenceException classify(Throwable error) {
    Throwable cause = error.getCause() != null && !(error instanceof InferenceException) ? error.getCause() : error;
    if (cause instanceof InferenceException ie) return ie;
    if (cause instanceof TimeoutException || error instanceof TimeoutException)
      return new InferenceException(ErrorKind.DEADLINE_EXCEEDED, "no answer from the inference core within " + timeout);
    return new InferenceException(ErrorKind.INTERNAL, String.valueOf(cause.getMessage()));
  }

  private static String orEmpty(String version) {
    return version == null ? "" : version;
  }
}
