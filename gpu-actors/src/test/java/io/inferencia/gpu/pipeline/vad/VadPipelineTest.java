package io.inferencia.gpu.pipeline.vad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.gpu.pipeline.DirectOrtInferer;
import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VadPipelineTest {
  /** Speech span of the committed recording, measured with sox and an energy analysis (see its README). */
  private static final long SPEECH_START_MS = 1520;
  private static final long SPEECH_END_MS = 4560;
  private static final long TOLERANCE_MS = 200;

  private static DirectOrtInferer inferer;
  private static ExecutorService blocking;
  private static PipelineModel vad;
  private static byte[] speechWav;

  @BeforeAll
  static void setUp() throws Exception {
    inferer = new DirectOrtInferer(DirectOrtInferer.repository(), Map.of("vad", 0));
    blocking = Executors.newFixedThreadPool(2);
    vad = pipeline(ConfigFactory.empty());
    try (InputStream in = VadPipelineTest.class.getResourceAsStream("/audio/speech_22050_mono.wav")) {
      speechWav = in.readAllBytes();
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    inferer.close();
    blocking.shutdown();
  }

  private static PipelineModel pipeline(Config settings) {
    ModelConfig config = ModelConfig.newBuilder().setName("vad_segments").setBackend("vad_pipeline").build();
    return new VadPipelineFactory()
        .create(config, DirectOrtInferer.repository().resolve("vad_segments"), new PipelineContext(inferer, blocking, settings));
  }

  @Test
  void findsTheSpeechInMono22kHz() {
    assertSpeechSpan(run(vad, speechWav));
  }

  @Test
  void findsTheSpeechInStereo44kHzExtensible() {
    short[] mono = Wavs.samplesOf(speechWav);
    // 2x upsampling by linear interpolation, duplicated into two channels.
    short[] stereo = new short[mono.length * 4];
    for (int i = 0; i < mono.length; i++) {
      short next = i + 1 < mono.length ? mono[i + 1] : mono[i];
      short mid = (short) ((mono[i] + next) / 2);
      stereo[4 * i] = stereo[4 * i + 1] = mono[i];
      stereo[4 * i + 2] = stereo[4 * i + 3] = mid;
    }
    assertSpeechSpan(run(vad, Wavs.pcm16(stereo, 44_100, 2, true)));
  }

  @Test
  void silenceHasNoSpeech() {
    assertEquals(0, segments(run(vad, Wavs.pcm16(new short[16_000 * 3], 16_000, 1, false))).length);
  }

  @Test
  void whiteNoiseHasNoSpeech() {
    Random random = new Random(42);
    short[] noise = new short[48_000 * 3];
    for (int i = 0; i < noise.length; i++) noise[i] = (short) (random.nextGaussian() * 3000);
    InferResponse response = run(vad, Wavs.pcm16(noise, 48_000, 1, false));
    assertEquals(0, segments(response).length, Arrays.toString(segments(response)));
    assertEquals(List.of("[]"), response.output(VadPipeline.RESULT_JSON).orElseThrow().asStrings());
  }

  @Test
  void rejectsTruncatedWav() {
    assertInvalid(vad, Arrays.copyOf(speechWav, speechWav.length / 2), "truncated");
    assertInvalid(vad, Arrays.copyOf(speechWav, 30), "chunk 'fmt '");
    assertInvalid(vad, Arrays.copyOf(speechWav, 36), "no data chunk");
  }

  @Test
  void rejectsNonWavAndNonPcm() {
    assertInvalid(vad, "not audio at all".getBytes(), "not a RIFF/WAVE");
    byte[] floatWav = Wavs.pcm16(new short[1600], 16_000, 1, false);
    ByteBuffer.wrap(floatWav).order(ByteOrder.LITTLE_ENDIAN).putShort(20, (short) 3); // IEEE float tag
    assertInvalid(vad, floatWav, "not PCM");
  }

  @Test
  void rejectsAudioOverTheLengthLimit() {
    PipelineModel limited = pipeline(ConfigFactory.parseMap(Map.of("pipelines.vad.max-audio-seconds", 2)));
    assertInvalid(limited, speechWav, "over the limit of 2 s");
  }

  @Test
  void rejectsWrongInputName() {
    InferRequest request =
        InferRequest.of("vad_segments", List.of(Tensor.ofBytes("WAV", new long[] {1}, List.of(speechWav))));
    InferenceException e = failure(vad, request);
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("AUDIO"), e.getMessage());
  }

  private static void assertSpeechSpan(InferResponse response) {
    long[] seg = segments(response);
    assertTrue(seg.length >= 2, "no speech found");
    long start = seg[0], end = seg[seg.length - 1];
    String all = Arrays.toString(seg);
    assertTrue(Math.abs(start - SPEECH_START_MS) <= TOLERANCE_MS, "start " + start + " in " + all);
    assertTrue(Math.abs(end - SPEECH_END_MS) <= TOLERANCE_MS, "end " + end + " in " + all);
    assertArrayEquals(new long[] {seg.length / 2, 2}, response.output(VadPipeline.SEGMENTS_MS).orElseThrow().shape());
    String json = response.output(VadPipeline.RESULT_JSON).orElseThrow().asStrings().get(0);
    assertTrue(json.startsWith("[{\"start_ms\":" + start + ",\"end_ms\":"), json);
    System.out.println("VAD segments (ms): " + all);
  }

  private static long[] segments(InferResponse response) {
    return response.output(VadPipeline.SEGMENTS_MS).orElseThrow().asLongs();
  }

  private static void assertInvalid(PipelineModel model, byte[] wav, String messagePart) {
    InferenceException e = failure(model, request(wav));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  private static InferenceException failure(PipelineModel model, InferRequest request) {
    CompletionException e =
        assertThrows(CompletionException.class, () -> model.infer(request).toCompletableFuture().join());
    return assertInstanceOf(InferenceException.class, e.getCause());
  }

  private static InferRequest request(byte[] wav) {
    return InferRequest.of("vad_segments", List.of(Tensor.ofBytes("AUDIO", new long[] {1}, List.of(wav))));
  }

  private static InferResponse run(PipelineModel model, byte[] wav) {
    return model.infer(request(wav)).toCompletableFuture().join();
  }
}
