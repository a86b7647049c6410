package io.inferencia.gpu.pipeline.vad;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.pipeline.PipelineRequests;
import io.inferencia.gpu.pipeline.audio.PcmAudio;
import io.inferencia.gpu.pipeline.audio.Resampler;
import io.inferencia.gpu.pipeline.audio.WavReader;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The {@code vad_segments} model: WAV bytes → 16 kHz mono → Silero probabilities per 32 ms window →
 * speech segments in milliseconds. Parsing, resampling and segmenting run on the blocking executor.
 */
public final class VadPipeline implements PipelineModel {
  public static final String INPUT = "AUDIO";
  public static final String SEGMENTS_MS = "SEGMENTS_MS";
  public static final String RESULT_JSON = "RESULT_JSON";
  private static final Set<String> OUTPUTS = Set.of(SEGMENTS_MS, RESULT_JSON);

  private final String name;
  private final Executor executor;
  private final WavReader wavReader;
  private final SileroStream silero;
  private final SileroSegmenter segmenter;

  public VadPipeline(String name, String vadModel, Inferer inferer, Executor executor, double maxAudioSeconds) {
    this.name = name;
    this.executor = executor;
    this.wavReader = new WavReader(maxAudioSeconds);
    this.silero = new SileroStream(inferer, vadModel, executor);
    this.segmenter =
        new SileroSegmenter(SegmentationParams.defaults(), SileroStream.SAMPLE_RATE, SileroStream.WINDOW);
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    return CompletableFuture.supplyAsync(() -> audio16k(request), executor)
        .thenCompose(
            audio ->
                silero
                    .probabilities(audio)
                    .thenApplyAsync(p -> segmenter.segments(p, audio.length), executor))
        .thenApply(segments -> PipelineRequests.response(request, name, toTensors(segments)));
  }

  private float[] audio16k(InferRequest request) {
    byte[] wav = PipelineRequests.singleBytesInput(request, name, INPUT);
    PipelineRequests.checkRequestedOutputs(request, name, OUTPUTS);
    PcmAudio pcm = wavReader.read(wav);
    return new Resampler(pcm.sampleRate(), SileroStream.SAMPLE_RATE).resample(pcm.mono());
  }

  private static List<Tensor> toTensors(List<SpeechSegment> segments) {
    long[] ms = new long[segments.size() * 2];
    List<SegmentJson> json = new ArrayList<>(segments.size());
    for (int i = 0; i < segments.size(); i++) {
      SpeechSegment s = segments.get(i);
      ms[2 * i] = s.startMillis(SileroStream.SAMPLE_RATE);
      ms[2 * i + 1] = s.endMillis(SileroStream.SAMPLE_RATE);
      json.add(new SegmentJson(ms[2 * i], ms[2 * i + 1]));
    }
    return List.of(
        Tensor.ofLongs(SEGMENTS_MS, new long[] {segments.size(), 2}, ms),
        Tensor.ofStrings(RESULT_JSON, new long[] {1}, List.of(PipelineRequests.json(json))));
  }

  /** One speech segment in {@code result_json}. */
  record SegmentJson(@JsonProperty("start_ms") long startMs, @JsonProperty("end_ms") long endMs) {}
}
