package io.inferencia.gpu.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.storage.StorageException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which failed attempts are worth another: only transient troubles (storage, network, timeouts, full queues). */
class JobFailuresTest {
  @Test
  void badInputsFailAtOnce() {
    var bomb = JobFailures.classify(new CompletionException(InferenceException.invalid("image of 100000x100000 pixels exceeds the limit")));
    assertFalse(bomb.retryable());
    assertTrue(bomb.reason().contains("100000x100000"), bomb.reason());
    var gone = JobFailures.classify(new CompletionException(
        new StorageException(StorageException.Kind.NOT_FOUND, "s3://intake/a.png", null)));
    assertFalse(gone.retryable());
    assertTrue(gone.reason().contains("no longer exists"), gone.reason());
    assertFalse(JobFailures.classify(new StorageException(StorageException.Kind.INVALID, "access denied", null)).retryable());
  }

  @Test
  void storageOutagesFullQueuesTimeoutsAndUnavailableModelsAreRetried() {
    assertTrue(JobFailures.classify(new CompletionException(InferenceException.exhausted("queue of 'ocr_rec' is full"))).retryable());
    assertTrue(JobFailures.classify(new StorageException(StorageException.Kind.TRANSIENT, "storage answered 503", null)).retryable());
    assertTrue(JobFailures.classify(InferenceException.unavailable("model 'ocr_det' is not ready")).retryable());
    assertTrue(JobFailures.classify(new CompletionException(new TimeoutException("ask timed out"))).retryable());
    var wrapped = JobFailures.classify(new RuntimeException("stream failed",
        new StorageException(StorageException.Kind.TRANSIENT, "connection reset", null)));
    assertTrue(wrapped.retryable());
    assertEquals("object storage failed: connection reset", wrapped.reason());
  }

  @Test
  void internalAndUnknownFailuresAreNotRetried() {
    var internal = JobFailures.classify(new CompletionException(
        new InferenceException(ErrorKind.INTERNAL, "onnxruntime failed")));
    assertFalse(internal.retryable());
    assertFalse(JobFailures.classify(new CompletionException(new ArithmeticException("long overflow"))).retryable());
    assertFalse(JobFailures.classify(new NullPointerException()).retryable());
    assertFalse(JobFailures.classify(InferenceException.notFound("model 'nope' is unknown")).retryable());
  }

  @Test
  void networkFailuresAndDeadlinesAreRetried() {
    assertTrue(JobFailures.classify(new CompletionException(new java.net.ConnectException("Connection refused"))).retryable());
    assertTrue(JobFailures.classify(new InferenceException(ErrorKind.DEADLINE_EXCEEDED, "waited too long")).retryable());
  }
}
