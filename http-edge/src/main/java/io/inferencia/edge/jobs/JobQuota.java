package io.inferencia.edge.jobs;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.protocols.jobs.JobViewRepository;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import kamon.Kamon;

/**
 * The cap on a tenant's unfinished (QUEUED or RUNNING) jobs ({@code api.limits.max-active-jobs}).
 * It counts on the read side, which trails the journal by its projection's lag (well under a
 * second), so a burst submitted faster than that may pass the cap by what arrives meanwhile; nothing
 * accepted is ever dropped for it. Counting is JDBC, so it runs on the edge's blocking dispatcher.
 */
public final class JobQuota {
  /** How long a refused client is told to wait: jobs take seconds, not milliseconds. */
  private static final long RETRY_AFTER_SECONDS = 5;
  private final JobViewRepository views;
  private final int maxActive;
  private final Executor blocking;

  public JobQuota(JobViewRepository views, int maxActive, Executor blocking) {
    if (maxActive < 0) throw new IllegalArgumentException("max-active-jobs may not be negative");
    this.views = views;
    this.maxActive = maxActive;
    this.blocking = blocking;
  }

  public static JobQuota unlimited() {
    return new JobQuota(null, 0, Runnable::run);
  }

  CompletionStage<Void> check(String tenant) {
    if (maxActive == 0) return CompletableFuture.completedFuture(null);
    return CompletableFuture.supplyAsync(() -> views.countUnfinished(tenant, maxActive), blocking).thenAccept(n -> {
      if (n >= maxActive) {
        Kamon.counter("inferencia.tenant.limited", "Requests refused by a tenant limit, by tenant and limit")
            .withTag("tenant", tenant).withTag("limit", "active-jobs").increment();
        throw ApiProblem.tooManyRequests("too-many-jobs", "tenant '" + tenant + "' has " + n
            + " unfinished jobs, its limit; submit again once some finish", RETRY_AFTER_SECONDS);
      }
    });
  }
}
