package io.inferencia.gpu.jobs;

import io.inferencia.gpu.pipeline.stego.StegoCodec;
import io.inferencia.gpu.pipeline.stego.StegoFrame;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.stego.StegoParams;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.stream.Materializer;

/**
 * {@code stego.encode}: the cover WAV (the job's input) streamed from storage through the
 * {@code stego_encode} model, chunk by chunk, into a multipart upload of {@code <jobId>.wav}; the secret
 * is an uploaded object or an inline text. Never holds the cover: memory is a few chunks and parts.
 */
public final class StegoEncodeTask implements TaskRunner {
  private final StegoCodec codec;
  private final ObjectStore objects;
  private final Executor blocking;
  private final StegoKeys keys;
  private final long maxSecretBytes;

  public StegoEncodeTask(StegoCodec codec, ObjectStore objects, Executor blocking, StegoKeys keys, long maxSecretBytes) {
    this.codec = codec;
    this.objects = objects;
    this.blocking = blocking;
    this.keys = keys;
    this.maxSecretBytes = maxSecretBytes;
  }

  @Override
  public CompletionStage<TaskResult> run(JobSpec spec, JobInput input, JobOutput output, Materializer mat) {
    byte[] key = keys.keyFor(spec);
    StageTimes times = new StageTimes();
    return secret(spec).thenCompose(frame -> input.stream(times)
            .via(codec.encode(frame, key, spec.inputBytes(), output::progress, times::model))
            .runWith(output.upload("wav", "audio/wav", times), mat))
        .thenApply(info -> times.result(info.uri()));
  }

  private CompletionStage<StegoFrame> secret(JobSpec spec) {
    String text = spec.params().get(StegoParams.SECRET_TEXT);
    if (text != null)
      return CompletableFuture.completedFuture(new StegoFrame(StegoParams.TEXT_TYPE, text.getBytes(StandardCharsets.UTF_8)));
    String secret = spec.params().get(StegoParams.SECRET);
    if (secret == null) return CompletableFuture.failedFuture(InferenceException.invalid("stego.encode needs a secret"));
    S3Uri uri = S3Uri.parse(secret).orElseThrow(() -> InferenceException.invalid("secret is not an s3:// URI"));
    return CompletableFuture.supplyAsync(() -> read(uri), blocking);
  }

  /** Blocking: the secret object, whole (it is bounded by the cover's capacity and {@code maxSecretBytes}). */
  private StegoFrame read(S3Uri uri) {
    ObjectInfo info = objects.head(uri).orElseThrow(() -> InferenceException.invalid("the secret " + uri + " does not exist"));
    if (info.size() > maxSecretBytes)
      throw InferenceException.invalid("the secret is " + info.size() + " bytes, over the limit of " + maxSecretBytes);
    try (InputStream in = objects.openStream(uri)) {
      byte[] bytes = in.readNBytes((int) maxSecretBytes + 1);
      if (bytes.length > maxSecretBytes)
        throw InferenceException.invalid("the secret is over the limit of " + maxSecretBytes + " bytes");
      String type = info.contentType() == null || info.contentType().isBlank() ? "application/octet-stream" : info.contentType();
      return new StegoFrame(type, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the secret " + uri + ": " + e.getMessage(), e);
    }
  }
}
