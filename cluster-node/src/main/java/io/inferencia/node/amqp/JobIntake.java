package io.inferencia.node.amqp;

import io.inferencia.protocols.tracing.Tracing;
import kamon.trace.Span;

import com.rabbitmq.client.AMQP;
import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.api.Problems;
import io.inferencia.edge.auth.ApiKeys;
import io.inferencia.edge.jobs.JobRequest;
import io.inferencia.edge.jobs.JobSubmissions;
import io.inferencia.edge.json.BodyRejected;
import io.inferencia.edge.json.StrictJson;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Jobs submitted as messages on the durable queue {@code jobs.submit}: the body is the JSON of
 * {@code POST /v1/jobs} ({@code {"task", "input", "params"}}), the AMQP {@code message-id} is the
 * idempotency key (a redelivered or re-sent message names the same job), the {@code tenant} header
 * the tenant (default: {@code api.default-tenant}). A message is acked only once its job's
 * {@code JobSubmitted} is persisted. A message that can never become a job (not JSON, an unknown task,
 * an input that is not the tenant's, no message id) is published to the dead-letter queue with the
 * reason in the {@code x-rejection-reason} header, then acked. Transient refusals (storage down, the
 * tenant's job cap, timeouts) are requeued after a pause. The prefetch bounds the messages in flight.
 */
public final class JobIntake {
  static final String REASON_HEADER = "x-rejection-reason";
  private static final long REQUEUE_DELAY_MS = 2000;
  private final AmqpSettings settings;
  private final AmqpConfirmPublisher publisher;
  private final JobSubmissions submissions;
  private final Executor blocking;

  JobIntake(AmqpSettings settings, AmqpConfirmPublisher publisher, JobSubmissions submissions, Executor blocking) {
    this.settings = settings;
    this.publisher = publisher;
    this.submissions = submissions;
    this.blocking = blocking;
  }

  /** Runs until the node shuts down (stopped before the edge unbinds, so nothing new is taken). */
  static void start(ActorSystem<?> system, AmqpConnector connector, AmqpConfirmPublisher publisher,
      JobSubmissions submissions, Executor blocking) {
    JobIntake intake = new JobIntake(connector.settings(), publisher, submissions, blocking);
    UniqueKillSwitch kill = AmqpCommittableSource.restarting(connector, connector.settings().submitQueue(), blocking)
        .viaMat(KillSwitches.single(), Keep.right())
        .mapAsyncUnordered(connector.settings().prefetch(), intake::handle)
        .toMat(Sink.ignore(), Keep.left())
        .run(system);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "amqp-intake-stop", () -> {
      kill.shutdown();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  CompletionStage<Done> handle(CommittableDelivery d) {
    String messageId = d.properties().getMessageId();
    if (messageId == null || messageId.isBlank())
      return deadLetter(d, "missing-message-id: the message-id property is required (it is the job's idempotency key)");
    String tenant = Optional.ofNullable(d.header("tenant")).orElse(settings.defaultTenant());
    if (!ApiKeys.TENANT.matcher(tenant).matches())
      return deadLetter(d, "invalid-tenant: the tenant header '" + tenant + "' must match " + ApiKeys.TENANT);
    JobRequest request;
    try {
      request = StrictJson.read(d.body(), JobRequest.class);
      request.validate();
    } catch (BodyRejected e) {
      return deadLetter(d, "invalid-job: " + e.getMessage());
    } catch (ApiProblem p) {
      return deadLetter(d, p.type() + ": " + p.detail());
    }
    // A producer that traces sends its context as the W3C traceparent header, as OpenTelemetry's AMQP instrumentation does.
    Span span = Tracing.consumer(settings.submitQueue() + " process", "amqp", Optional.ofNullable(d.header(Tracing.TRACEPARENT)).orElse(""));
    span.tag("messaging.message.id", messageId);
    CompletionStage<?> submitted;
    try {
      submitted = submissions.submit(tenant, request, Optional.of(messageId), Tracing.traceparent(span));
    } catch (RuntimeException e) {
      submitted = CompletableFuture.failedFuture(e);
    }
    Tracing.finishWhen(span, submitted);
    return submitted.handle((view, failure) -> {
      if (failure == null) {
        count("accepted");
        return d.ack();
      }
      ApiProblem p = Problems.classify(failure);
      if (p.status() >= 400 && p.status() < 500 && p.status() != 429) return deadLetter(d, p.type() + ": " + p.detail());
      return requeueLater(d);
    }).thenCompose(stage -> stage).handle((v, t) -> Done.getInstance());
  }

  private CompletionStage<Done> deadLetter(CommittableDelivery d, String reason) {
    Map<String, Object> headers = new HashMap<>(d.properties().getHeaders() == null ? Map.of() : d.properties().getHeaders());
    headers.put(REASON_HEADER, reason);
    headers.put("x-original-queue", settings.submitQueue());
    AMQP.BasicProperties props = d.properties().builder().headers(headers).deliveryMode(2).build();
    return publisher.publish(new OutgoingMessage("", settings.deadLetterQueue(), props, d.body()))
        .thenCompose(v -> {
          count("dead-lettered");
          return d.ack();
        })
        // Not in the dead-letter queue yet: give the message back rather than lose it.
        .exceptionally(t -> {
          requeueLater(d);
          return null;
        })
        .thenApply(v -> Done.getInstance());
  }

  private CompletionStage<Void> requeueLater(CommittableDelivery d) {
    count("requeued");
    return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(REQUEUE_DELAY_MS, TimeUnit.MILLISECONDS, blocking))
        .thenCompose(v -> d.nack(true));
  }

  private static void count(String outcome) {
    Kamon.counter("inferencia.amqp.submissions", "Job submissions taken from AMQP, by outcome")
        .withTag("outcome", outcome).increment();
  }
}
