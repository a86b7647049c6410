package io.inferencia.gpu.pipeline.vad;

import io.inferencia.protocols.inference.Inferer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Voice activity detection over a WAV byte stream of any length (an object-storage download) in
 * bounded memory: decode → mono → resample to 16 kHz → 512-sample windows with 64 samples of context
 * → Silero, one call at a time with its recurrent state carried → speech segments. Decoding and
 * resampling run on the given executor, never on the stream's dispatcher; no stage keeps more than a
 * fixed span of samples, and only the segments found are kept. Bad audio fails the result with an
 * INVALID_ARGUMENT {@code InferenceException}; inference errors fail it unchanged. Instances are
 * immutable and may run many streams at once.
 */
public final class StreamingVad {
  /** Upstream chunks are cut to this size so the samples in flight stay bounded whatever the source emits. */
  static final int MAX_CHUNK_BYTES = 64 * 1024;
  private final Inferer inferer;
  private final String vadModel;
  private final Executor executor;
  private final SileroSegmenter segmenter;
  private final double maxAudioSeconds;

  /** {@code maxAudioSeconds}: longer audio is refused ({@code Double.POSITIVE_INFINITY} for no limit). */
  public StreamingVad(
      Inferer inferer, String vadModel, Executor executor, SegmentationParams params, double maxAudioSeconds) {
    this.inferer = inferer;
    this.vadModel = vadModel;
    this.executor = executor;
    this.segmenter = new SileroSegmenter(params, SileroCall.SAMPLE_RATE, SileroCall.WINDOW);
    this.maxAudioSeconds = maxAudioSeconds;
  }

  public StreamingVad(Inferer inferer, String vadModel, Executor executor, SegmentationParams params) {
    this(inferer, vadModel, executor, params, Double.POSITIVE_INFINITY);
  }

  /** Runs the detection over {@code wav}, materialized once with {@code materializer}. */
  public CompletionStage<VadResult> run(Source<ByteString, ?> wav, Materializer materializer) {
    AudioWindows audio = new AudioWindows(maxAudioSeconds);
    SileroRecurrence silero = new SileroRecurrence(inferer, vadModel);
    Collector collector = new Collector(segmenter.tracker());
    CompletionStage<VadResult> result =
        wav.mapConcat(StreamingVad::pieces)
            .map(Optional::of)
            .concat(Source.single(Optional.<ByteString>empty())) // empty: the input has ended
            .mapAsync(1, chunk -> CompletableFuture.supplyAsync(() -> decode(audio, chunk), executor))
            .mapConcat(events -> events)
            .mapAsync(1, event -> infer(silero, event))
            .runWith(Sink.fold(collector, Collector::accept), materializer)
            .thenApply(Collector::result);
    return unwrapped(result);
  }

  private static List<VadEvent> decode(AudioWindows audio, Optional<ByteString> chunk) {
    return chunk.isPresent() ? audio.feed(chunk.get().asByteBuffer()) : audio.finish();
  }

  private static CompletionStage<VadEvent> infer(SileroRecurrence silero, VadEvent event) {
    if (event instanceof VadEvent.Window window)
      return silero.next(window.input()).thenApply(VadEvent.Probability::new);
    return CompletableFuture.completedFuture(event);
  }

  /** Cuts a chunk into pieces of at most {@link #MAX_CHUNK_BYTES} (slices, not copies). */
  static List<ByteString> pieces(ByteString chunk) {
    if (chunk.size() <= MAX_CHUNK_BYTES) return List.of(chunk);
    List<ByteString> pieces = new ArrayList<>(chunk.size() / MAX_CHUNK_BYTES + 1);
    for (int from = 0; from < chunk.size(); from += MAX_CHUNK_BYTES)
      pieces.add(chunk.slice(from, Math.min(chunk.size(), from + MAX_CHUNK_BYTES)));
    return pieces;
  }

  /** Fails with the cause itself, not the CompletionException that futures and streams wrap it in. */
  private static <T> CompletionStage<T> unwrapped(CompletionStage<T> stage) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (value, error) -> {
          if (error == null) out.complete(value);
          else out.completeExceptionally(cause(error));
        });
    return out;
  }

  private static Throwable cause(Throwable error) {
    return io.inferencia.protocols.inference.InferenceErrors.unwrap(error);
  }

  /** Feeds the probabilities to the segmenter in order and keeps the end marker. */
  private static final class Collector {
    private final SegmentTracker tracker;
    private VadEvent.End end;

    Collector(SegmentTracker tracker) {
      this.tracker = tracker;
    }

    Collector accept(VadEvent event) {
      if (event instanceof VadEvent.Probability p) tracker.accept(p.value());
      else if (event instanceof VadEvent.End e) end = e;
      return this;
    }

    VadResult result() {
      if (end == null) throw new IllegalStateException("the audio stream completed without its end marker");
      return new VadResult(tracker.finish(end.samples()), end.samples(), end.seconds());
    }
  }
}
