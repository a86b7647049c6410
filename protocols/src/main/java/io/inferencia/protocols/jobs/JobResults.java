package io.inferencia.protocols.jobs;

/**
 * Where a run writes its result in the results bucket. Each attempt has a key of its own, so a stale
 * run that writes late can never overwrite the result that was accepted: the published result is the
 * one the job's {@code JobSucceeded} event names. The first attempt keeps the plain {@code <jobId>.json}.
 */
public final class JobResults {
  private JobResults() {}

  public static String key(String jobId, int attempt) {
    return attempt <= 1 ? jobId + ".json" : jobId + ".attempt-" + attempt + ".json";
  }
}
