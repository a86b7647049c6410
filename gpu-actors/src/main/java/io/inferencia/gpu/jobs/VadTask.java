package io.inferencia.gpu.jobs;

import com.fasterxml.jackson.core.JsonGenerator;
import io.inferencia.gpu.pipeline.vad.SegmentationParams;
import io.inferencia.gpu.pipeline.vad.StreamingVad;
import io.inferencia.gpu.pipeline.vad.VadResult;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.json.JsonMappers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.stream.Materializer;

/**
 * {@code vad}: streams the WAV from storage through decode, resampling to 16 kHz mono and Silero with
 * its state carried, in bounded memory whatever the file's length, and returns
 * {@code {durationMs, segments: [{start_ms, end_ms}]}}.
 */
public final class VadTask implements TaskRunner {
  private final StreamingVad vad;

  public VadTask(Inferer inferer, String vadModel, Executor executor) {
    this.vad = new StreamingVad(inferer, vadModel, executor, SegmentationParams.defaults());
  }

  @Override
  public CompletionStage<TaskResult> run(JobSpec spec, JobInput input, JobOutput output, Materializer mat) {
    long start = System.nanoTime();
    // Reading and inference overlap while streaming: all of it counts as inference time.
    return vad.run(input.stream(), mat).thenApply(result -> new TaskResult(json(result), 0, (System.nanoTime() - start) / 1000));
  }

  private static byte[] json(VadResult result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + result.segments().size() * 40);
    long[] ms = result.segmentsMillis();
    try (JsonGenerator g = JsonMappers.shared().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("durationMs", Math.round(result.durationSeconds() * 1000));
      g.writeArrayFieldStart("segments");
      for (int i = 0; i < ms.length; i += 2) {
        g.writeStartObject();
        g.writeNumberField("start_ms", ms[i]);
        g.writeNumberField("end_ms", ms[i + 1]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
