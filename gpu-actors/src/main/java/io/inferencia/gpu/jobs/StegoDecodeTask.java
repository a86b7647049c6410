package io.inferencia.gpu.jobs;

import io.inferencia.gpu.pipeline.stego.StegoCodec;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.stego.StegoParams;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.stream.Materializer;

/**
 * {@code stego.decode}: streams the encoded WAV through {@code stego_decode} until the frame's last bit,
 * checks the frame, and writes the recovered secret as the result object with its own content type.
 */
public final class StegoDecodeTask implements TaskRunner {
  private final StegoCodec codec;
  private final Executor blocking;
  private final StegoKeys keys;
  private final long maxSecretBytes;
  private final ObjectStore objects;

  public StegoDecodeTask(StegoCodec codec, ObjectStore objects, Executor blocking,
      StegoKeys keys, long maxSecretBytes) {
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
    long[] read = new long[1];
    return input.stream(times)
        .map(bytes -> {
          read[0] += bytes.size();
          output.progress(read[0]);
          return bytes;
        })
        .runWith(codec.decode(key, spec.inputBytes(), maxSecretBytes, times::model), mat)
        .thenCompose(frame -> CompletableFuture.supplyAsync(() -> {
          S3Uri uri = output.uri(StegoParams.extensionFor(frame.contentType()));
          long start = System.nanoTime();
          objects.putObject(uri, frame.payload(), frame.contentType());
          times.writeNanos.add(System.nanoTime() - start);
          return times.result(uri);
        }, blocking));
  }

}
