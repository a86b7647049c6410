package io.inferencia.persistence.storage;

import com.typesafe.config.Config;
import io.inferencia.protocols.storage.CompletedPart;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.PresignedUrl;
import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.storage.StorageException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import kamon.Kamon;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Object storage behind a Pekko {@link CircuitBreaker}: after {@code max-failures} transient failures
 * in a row (5xx, I/O, timeouts, or calls slower than {@code call-timeout}) calls fail at once for
 * {@code reset-timeout} (growing to {@code max-reset-timeout} while storage stays down) instead of
 * each waiting for its own timeout. A refused call is a TRANSIENT {@link StorageException} that says
 * when to try again: the edge answers 503 with Retry-After, jobs wait without spending attempts.
 * Missing objects and refused requests are answers, not failures. Presigning is local and never guarded.
 * The calls block (as the store's do) and run on the callers' blocking dispatchers.
 */
public final class GuardedObjectStore implements ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(GuardedObjectStore.class);
  private final ObjectStore store;
  private final CircuitBreaker breaker;

  GuardedObjectStore(ObjectStore store, CircuitBreaker breaker) {
    this.store = store;
    this.breaker = breaker
        .addOnOpenListener(() -> {
          log.warn("Object storage circuit OPEN: storage calls fail fast for {}", breaker.resetTimeout());
          Kamon.counter("inferencia.storage.breaker.opened", "Times the object storage circuit breaker opened").withoutTags().increment();
        })
        .addOnCloseListener(() -> log.info("Object storage circuit closed: storage answers again"));
  }

  /** {@code storage.breaker} of the node's config. */
  public static GuardedObjectStore wrap(ObjectStore store, org.apache.pekko.actor.Scheduler scheduler, Config breaker) {
    CircuitBreaker b = CircuitBreaker.create(scheduler, breaker.getInt("max-failures"), breaker.getDuration("call-timeout"),
            breaker.getDuration("reset-timeout"))
        .withExponentialBackoff(breaker.getDuration("max-reset-timeout"));
    return new GuardedObjectStore(store, b);
  }

  public boolean open() {
    return breaker.isOpen();
  }

  private <T> T guarded(Callable<T> call) {
    try {
      return breaker.callWithSyncCircuitBreaker(call, (result, failure) ->
          failure.isPresent() && !(failure.get() instanceof StorageException se && !se.retryable()));
    } catch (CircuitBreakerOpenException e) {
      long seconds = Math.max(1, (long) Math.ceil(e.remainingDuration().toMillis() / 1000.0));
      throw new StorageException(StorageException.Kind.TRANSIENT,
          "object storage is unavailable (failing fast; trying again in " + seconds + " s)", e, seconds);
    } catch (StorageException | IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) { // a TimeoutException: the call took longer than call-timeout
      throw new StorageException(StorageException.Kind.TRANSIENT, "object storage call failed: " + e, e);
    }
  }

  private void guardedRun(Runnable call) {
    // Not null: the breaker wraps a call's result in Optional.of, which a null result breaks.
    guarded(() -> {
      call.run();
      return Boolean.TRUE;
    });
  }

  @Override
  public String intakeBucket() {
    return store.intakeBucket();
  }

  @Override
  public String resultsBucket() {
    return store.resultsBucket();
  }

  @Override
  public Optional<ObjectInfo> head(S3Uri uri) {
    return guarded(() -> store.head(uri));  // never null: an empty Optional for a missing object
  }

  @Override
  public PresignedUrl presignPut(S3Uri uri, String contentType, long contentLength, Duration ttl) {
    return store.presignPut(uri, contentType, contentLength, ttl);
  }

  @Override
  public String createMultipartUpload(S3Uri uri, String contentType) {
    return guarded(() -> store.createMultipartUpload(uri, contentType));
  }

  @Override
  public PresignedUrl presignUploadPart(S3Uri uri, String uploadId, int partNumber, long partLength, Duration ttl) {
    return store.presignUploadPart(uri, uploadId, partNumber, partLength, ttl);
  }

  @Override
  public ObjectInfo completeMultipartUpload(S3Uri uri, String uploadId, List<CompletedPart> parts) {
    return guarded(() -> store.completeMultipartUpload(uri, uploadId, parts));
  }

  @Override
  public void abortMultipartUpload(S3Uri uri, String uploadId) {
    guardedRun(() -> store.abortMultipartUpload(uri, uploadId));
  }

  @Override
  public CompletedPart uploadPart(S3Uri uri, String uploadId, int partNumber, byte[] bytes) {
    return guarded(() -> store.uploadPart(uri, uploadId, partNumber, bytes));
  }

  @Override
  public List<String> openMultipartUploads(S3Uri uri) {
    return guarded(() -> store.openMultipartUploads(uri));
  }

  @Override
  public InputStream openStream(S3Uri uri) {
    return guarded(() -> store.openStream(uri));
  }

  @Override
  public Source<ByteString, CompletionStage<IOResult>> source(S3Uri uri, int chunkSize) {
    // Opening the stream is the call that finds storage down; it happens when the source runs.
    if (breaker.isOpen()) guardedRun(() -> {});
    return store.source(uri, chunkSize);
  }

  @Override
  public org.apache.pekko.stream.javadsl.Sink<ByteString, CompletionStage<ObjectInfo>> sink(S3Uri uri, String contentType) {
    if (breaker.isOpen()) guardedRun(() -> {});
    return store.sink(uri, contentType);
  }

  @Override
  public Source<ObjectInfo, org.apache.pekko.NotUsed> put(S3Uri uri, ByteString bytes, String contentType) {
    if (breaker.isOpen()) guardedRun(() -> {});
    return store.put(uri, bytes, contentType);
  }

  @Override
  public void putObject(S3Uri uri, byte[] bytes, String contentType) {
    guardedRun(() -> store.putObject(uri, bytes, contentType));
  }

  @Override
  public void delete(S3Uri uri) {
    guardedRun(() -> store.delete(uri));
  }

  @Override
  public PresignedUrl presignGet(S3Uri uri, Duration ttl) {
    return store.presignGet(uri, ttl);
  }

  @Override
  public PresignedUrl presignDownload(S3Uri uri, Duration ttl, String filename) {
    return store.presignDownload(uri, ttl, filename);
  }
}
