package io.inferencia.edge.jobs;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.uploads.UploadKeys;
import io.inferencia.edge.uploads.UploadLedger;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobView;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Validates a submission before anything is persisted — the task exists, the input is a well-formed
 * pointer into the caller's own intake prefix, the object exists, is not empty and is within the task's
 * limit — and then hands it to the job's entity. With an {@code Idempotency-Key} the job id is derived
 * from tenant and key, so a retried request reaches the same entity, which answers the same job or 409.
 */
public final class JobSubmissions {
  private static final int MAX_IDEMPOTENCY_KEY = 255;
  private final TaskCatalog tasks;
  private final ObjectStore objects;
  private final Executor blocking;
  private final JobsClient jobs;
  private final String intakeBucket;
  private final StegoSubmissions stego;
  private final JobQuota quota;
  private UploadLedger uploads = UploadLedger.unlimited();

  public JobSubmissions(TaskCatalog tasks, ObjectStore objects, Executor blocking, JobsClient jobs, String intakeBucket) {
    this(tasks, objects, blocking, jobs, intakeBucket, JobQuota.unlimited());
  }

  public JobSubmissions(TaskCatalog tasks, ObjectStore objects, Executor blocking, JobsClient jobs, String intakeBucket,
      JobQuota quota) {
    this.quota = quota;
    this.tasks = tasks;
    this.objects = objects;
    this.blocking = blocking;
    this.jobs = jobs;
    this.intakeBucket = intakeBucket;
    this.stego = new StegoSubmissions(objects, blocking, tasks.stegoSecretLimit(), this::checkedInput);
  }

  /** Inputs taken by jobs no longer count as uploads in flight. */
  public JobSubmissions releasingUploads(UploadLedger ledger) {
    this.uploads = ledger;
    return this;
  }

  public CompletionStage<JobView> submit(String tenant, JobRequest request, Optional<String> idempotencyKey) {
    return submit(tenant, request, idempotencyKey, "");
  }

  /** As above, the job joining the trace of {@code traceparent} (the edge's span of the call; {@code ""}: none). */
  public CompletionStage<JobView> submit(String tenant, JobRequest request, Optional<String> idempotencyKey,
      String traceparent) {
    S3Uri input = checkedInput(tenant, request.input());
    uploads.release(tenant, input.key());
    String jobId = idempotencyKey.map(k -> derivedJobId(tenant, checkedKey(k))).orElseGet(() -> UUID.randomUUID().toString());
    return tasks.resolve(request.task())
        .thenCompose(task -> quota.check(tenant).thenApply(ok -> task))
        .thenCompose(task -> headObject(input).thenApply(info -> checkedSize(task, info))
            .thenCompose(info -> checkedContent(tenant, task, request, info)))
        .thenCompose(info -> jobs.submit(jobId,
            new JobSpec(tenant, request.task(), input.toString(), request.params(), info.size(), info.contentType(),
                traceparent)));
  }

  /** What a task needs of its input beyond its size: a stego job's cover and secret. */
  private CompletionStage<ObjectInfo> checkedContent(String tenant, TaskCatalog.Task task, JobRequest request, ObjectInfo info) {
    if (task.kind() != TaskCatalog.Kind.STEGO_ENCODE && task.kind() != TaskCatalog.Kind.STEGO_DECODE)
      return CompletableFuture.completedFuture(info);
    return stego.check(tenant, task.kind(), request.params(), info).thenApply(ok -> info);
  }

  /** The pointer must be an intake object under the caller's prefix: clients cannot reach other tenants' keys. */
  S3Uri checkedInput(String tenant, String input) {
    String problem = S3Uri.problem(input);
    if (problem != null) throw ApiProblem.badRequest("invalid-input-uri", problem);
    S3Uri uri = S3Uri.parse(input).orElseThrow();
    if (!uri.bucket().equals(intakeBucket))
      throw ApiProblem.badRequest("input-not-in-intake",
          "input must be in bucket '" + intakeBucket + "' (upload it through /v1/uploads), not '" + uri.bucket() + "'");
    if (!uri.isUnder(UploadKeys.tenantPrefix(tenant)))
      throw ApiProblem.forbidden("input-not-yours", "input " + uri + " is not one of your uploads");
    return uri;
  }

  private CompletionStage<ObjectInfo> headObject(S3Uri input) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return objects.head(input);
      } catch (StorageException e) {
        throw ApiProblem.storageUnavailable(e);
      }
    }, blocking).thenApply(info -> info.orElseThrow(() ->
        ApiProblem.notFound("input-not-found", "input " + input + " does not exist (was the upload completed?)")));
  }

  private static ObjectInfo checkedSize(TaskCatalog.Task task, ObjectInfo info) {
    if (info.size() == 0) throw ApiProblem.badRequest("input-empty", "input " + info.uri() + " is empty (0 bytes)");
    if (info.size() > task.maxInputBytes())
      throw ApiProblem.tooLarge("input-too-large", "input " + info.uri() + " is " + info.size() + " bytes; task '"
          + task.name() + "' accepts at most " + task.maxInputBytes());
    return info;
  }

  private static String checkedKey(String key) {
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(c -> c >= 0x21 && c < 0x7F))
      throw ApiProblem.badRequest("invalid-idempotency-key",
          "Idempotency-Key must be 1-" + MAX_IDEMPOTENCY_KEY + " printable ASCII characters");
    return key;
  }

  /** The same tenant and key always name the same job. */
  static String derivedJobId(String tenant, String key) {
    return UUID.nameUUIDFromBytes((tenant + "\n" + key).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
