package io.inferencia.protocols.jobs;

/**
 * Where a run writes its result in the results bucket. Each attempt has a key of its own, so a stale
 * run that writes late can never overwrite the result that was accepted: the published result is the
 * one the job's {@code JobSucceeded} event names. The first attempt keeps the plain {@code <jobId>.json}.
 */
public final class JobResults {
  private JobResults() {}

  public static String key(String jobId, int attempt) {
    return key(jobId, attempt, "json");
  }

  /** The key of a result that is a file of its own ({@code wav}, {@code bin}) rather than a JSON document. */
  public static String key(String jobId, int attempt, String extension) {
    return attempt <= 1 ? jobId + "." + extension : jobId + ".attempt-" + attempt + "." + extension;
  }
}
