package io.inferencia.gpu.actors;

import io.inferencia.protocols.tracing.Tracing;
import kamon.trace.Span;

import com.google.protobuf.InvalidProtocolBufferException;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceErrors;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.placement.NodeView;
import io.inferencia.protocols.placement.ReplicaView;
import io.inferencia.protocols.placement.ScalingPolicy;
import io.inferencia.protocols.placement.ScalingUpdate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The inference core seen through asks to the {@link ModelRepositoryManager}: one ask per call, bounded
 * by {@code inference.ask-timeout}, or by the caller's own deadline through {@link #within}. Every failure completes the stage with an {@link InferenceException}
 * ({@link InferenceErrors}): reply failures keep their kind, an ask timeout is DEADLINE_EXCEEDED,
 * anything else INTERNAL.
 */
public final class ActorInferenceGateway implements InferenceGateway {
  /** What a caller is told when the ask ran out; the edges show it as is (504 / DEADLINE_EXCEEDED). */
  public static final String TIMEOUT_MESSAGE = "the inference core did not answer in time";
  private final ActorRef<ModelRepositoryManager.Command> manager;
  private final Scheduler scheduler;
  private final Duration timeout;

  public ActorInferenceGateway(ActorRef<ModelRepositoryManager.Command> manager, Scheduler scheduler, Duration timeout) {
    this.manager = manager;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  /** The same core, asked with the caller's timeout: the ask is the caller's only timer. */
  @Override
  public ActorInferenceGateway within(Duration timeout) {
    return new ActorInferenceGateway(manager, scheduler, timeout);
  }

  /** Bounded by the client's own deadline (its grpc-timeout) where that is the shorter: answered at it, not after. */
  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    // One span per call to a core (a re-sent call is a second span): the batch that runs it links to it.
    return infer(manager, ModelRepositoryManager.Infer::new, request, scheduler, timeout);
  }

  /**
   * One inference call asked of {@code target} (a manager, or a replica entity that hands it to its
   * node's manager), bounded as {@link #infer(InferRequest)} is, failures classified alike.
   */
  public static <M> CompletionStage<InferResponse> infer(RecipientRef<M> target,
      BiFunction<InferRequest, ActorRef<InferResult>, M> message, InferRequest request, Scheduler scheduler, Duration timeout) {
    // One span per call to a core (a re-sent call is a second span): the batch that runs it links to it.
    Span span = Tracing.client("infer " + request.model(), "inference", request.traceparent());
    InferRequest traced = span.isEmpty() ? request : request.withTraceparent(Tracing.traceparent(span));
    return Tracing.finishWhen(span, ask(target, (ActorRef<InferResult> r) -> message.apply(traced, r), InferResult::orThrow,
        deadline(timeout, request), scheduler));
  }

  /** The shorter of {@code timeout} and the client's deadline (clientTimeoutMicros, 0 for none). */
  public static Duration deadline(Duration timeout, InferRequest request) {
    long client = request.clientTimeoutMicros();
    return client > 0 && client < TimeUnit.NANOSECONDS.toMicros(timeout.toNanos()) ? Duration.ofNanos(client * 1000) : timeout;
  }

  @Override
  public CompletionStage<Boolean> serverReady() {
    return ask((ActorRef<ModelRepositoryManager.ReadyReply> r) -> new ModelRepositoryManager.GetServerReady(r), ModelRepositoryManager.ReadyReply::ready);
  }

  @Override
  public CompletionStage<List<ModelIndexEntry>> index(boolean readyOnly) {
    return ask((ActorRef<ModelRepositoryManager.IndexReply> r) -> new ModelRepositoryManager.GetIndex(readyOnly, r), ModelRepositoryManager.IndexReply::models);
  }

  @Override
  public CompletionStage<ModelMetadata> metadata(String model, String version) {
    return ask((ActorRef<ModelRepositoryManager.MetadataReply> r) -> new ModelRepositoryManager.GetMetadata(model, orEmpty(version), r),
        reply -> accepted(reply, ModelRepositoryManager.Metadata.class).metadata());
  }

  @Override
  public CompletionStage<ModelConfig> config(String model, String version) {
    return ask((ActorRef<ModelRepositoryManager.ConfigReply> r) -> new ModelRepositoryManager.GetConfig(model, orEmpty(version), r),
        reply -> parseConfig(accepted(reply, ModelRepositoryManager.Config.class).config()));
  }

  @Override
  public CompletionStage<Boolean> modelReady(String model, String version) {
    return ask((ActorRef<ModelRepositoryManager.ReadyReply> r) -> new ModelRepositoryManager.GetModelReady(model, orEmpty(version), r),
        ModelRepositoryManager.ReadyReply::ready);
  }

  @Override
  public CompletionStage<List<ModelStatistics>> statistics(String model, String version) {
    return ask((ActorRef<ModelRepositoryManager.StatisticsReply> r) -> new ModelRepositoryManager.GetStatistics(orEmpty(model), orEmpty(version), r),
        reply -> accepted(reply, ModelRepositoryManager.Statistics.class).models());
  }

  @Override
  public CompletionStage<Void> load(String model, String configText) {
    return ask((ActorRef<ModelRepositoryManager.ControlReply> r) -> new ModelRepositoryManager.Load(model, configText, r), this::done);
  }

  @Override
  public CompletionStage<Void> unload(String model) {
    return ask((ActorRef<ModelRepositoryManager.ControlReply> r) -> new ModelRepositoryManager.Unload(model, r), this::done);
  }

  @Override
  public CompletionStage<List<ReplicaView>> placement() {
    return ask((ActorRef<ModelRepositoryManager.PlacementReply> r) -> new ModelRepositoryManager.GetPlacement(r),
        ModelRepositoryManager.PlacementReply::replicas);
  }

  @Override
  public CompletionStage<List<NodeView>> nodes() {
    return ask((ActorRef<ModelRepositoryManager.NodeReply> r) -> new ModelRepositoryManager.GetNode(r),
        reply -> List.of(reply.node()));
  }

  @Override
  public CompletionStage<ScalingPolicy> scale(String model, String version, ScalingUpdate update) {
    return ask((ActorRef<ModelRepositoryManager.ScaleReply> r) -> new ModelRepositoryManager.Scale(model, orEmpty(version), update, r),
        reply -> accepted(reply, ModelRepositoryManager.Scaled.class).policy());
  }

  private <R, T> CompletionStage<T> ask(
      org.apache.pekko.japi.function.Function<ActorRef<R>, ModelRepositoryManager.Command> message, Function<R, T> unwrap) {
    return ask(manager, message, unwrap, timeout, scheduler);
  }

  /** One ask of {@code target}, its reply unwrapped; every failure an {@link InferenceException}. */
  private static <M, R, T> CompletionStage<T> ask(RecipientRef<M> target,
      org.apache.pekko.japi.function.Function<ActorRef<R>, M> message, Function<R, T> unwrap, Duration within,
      Scheduler scheduler) {
    CompletableFuture<T> result = new CompletableFuture<>();
    AskPattern.ask(target, message, within, scheduler).whenComplete((reply, error) -> {
      if (error != null) result.completeExceptionally(InferenceErrors.toException(error, TIMEOUT_MESSAGE));
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

  /** The reply as the answer it should be, or its refusal thrown. */
  private static <A> A accepted(Object reply, Class<A> answer) {
    if (reply instanceof ModelRepositoryManager.Refused refused) throw refused.failure().toException();
    return answer.cast(reply);
  }

  private Void done(ModelRepositoryManager.ControlReply reply) {
    accepted(reply, ModelRepositoryManager.Done.class);
    return null;
  }

  private static ModelConfig parseConfig(byte[] bytes) {
    try {
      return ModelConfig.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InferenceException(ErrorKind.INTERNAL, "model config did not decode: " + e.getMessage());
    }
  }

  private static String orEmpty(String version) {
    return version == null ? "" : version;
  }
}
