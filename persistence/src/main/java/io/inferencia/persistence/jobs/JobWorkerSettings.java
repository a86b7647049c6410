package io.inferencia.persistence.jobs;

import com.typesafe.config.Config;
import io.inferencia.protocols.config.SettingReader;
import java.time.Duration;

/**
 * What a gpu node's job worker runs with: {@code jobs.worker} and {@code jobs.limits}, read once at start so
 * that a bad value stops the node instead of leaving it without a worker.
 *
 * @param enabled off: the node serves inference but takes no jobs
 * @param parallelism jobs the node runs at once
 * @param ocrLimit largest image an ocr job may name
 * @param vadLimit largest audio file a vad job may name
 * @param modelLimit largest inference request a model job may name
 * @param stegoSecretLimit largest secret a stego job embeds or recovers
 * @param stegoKey the deployment's stego key ({@code STEGO_KEY}); empty: derived from the storage secret
 * @param askTimeout how long the worker waits for a job entity's answer
 */
public record JobWorkerSettings(boolean enabled, int parallelism, long ocrLimit, long vadLimit, long modelLimit,
    long stegoSecretLimit, String stegoKey, Duration askTimeout) {

  public static JobWorkerSettings fromConfig(Config jobs) {
    SettingReader r = new SettingReader(jobs, "jobs");
    SettingReader worker = r.child("worker");
    SettingReader limits = r.child("limits");
    return new JobWorkerSettings(
        worker.bool("enabled", "JOB_WORKER_ENABLED"),
        worker.positiveInt("parallelism", "JOB_WORKER_PARALLELISM"),
        limits.bytesAtLeast("ocr", "JOB_LIMIT_OCR", 1),
        limits.bytesAtLeast("vad", "JOB_LIMIT_VAD", 1),
        limits.bytesAtLeast("model", "JOB_LIMIT_MODEL", 1),
        limits.bytesAtLeast("stego-secret", "JOB_LIMIT_STEGO_SECRET", 1),
        r.child("stego").string("key", "STEGO_KEY"),
        r.positiveDuration("ask-timeout", null));
  }
}
