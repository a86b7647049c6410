package io.inferencia.gpu.pipeline.vad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.inferencia.gpu.pipeline.DirectOrtInferer;
import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamingVadTest {
  /** Speech span of the committed recording (see VadPipelineTest and the recording's README). */
  private static final long SPEECH_START_MS = 1520;
  private static final long SPEECH_END_MS = 4560;
  private static final long TOLERANCE_MS = 200;
  private static final byte[] RECORDING = Wavs.speechRecording();

  private static ActorSystem<Void> system;
  private static Materializer materializer;
  private static DirectOrtInferer ort;
  private static ExecutorService cpu;
  private static PipelineModel vadPipeline;

  @BeforeAll
  static void setUp() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "streaming-vad-test");
    materializer = Materializer.matFromSystem(system);
    ort = new DirectOrtInferer(DirectOrtInferer.repository(), Map.of("vad", 0));
    cpu = Executors.newFixedThreadPool(2);
    ModelConfig config = ModelConfig.newBuilder().setName("vad_segments").setBackend("vad_pipeline").build();
    vadPipeline =
        new VadPipelineFactory()
            .create(config, DirectOrtInferer.repository().resolve("vad_segments"), new PipelineContext(ort, cpu, ConfigFactory.empty()));
  }

  @AfterAll
  static void tearDown() throws Exception {
    system.terminate();
    ort.close();
    cpu.shutdown();
  }

  @Test
  void findsTheSameSegmentsAsTheVadPipelineOnTheRecording() {
    Random random = new Random(1);
    VadResult result = Await.result(vad(ort).run(source(RECORDING, () -> 1 + random.nextInt(3000)), materializer));
    assertArrayEquals(pipelineSegmentsMs(RECORDING), result.segmentsMillis());
    assertSpeechSpan(result);
    assertEquals(101_666, result.samples()); // 140109 samples at 22050 Hz
    assertEquals(140_109 / 22_050.0, result.durationSeconds(), 1e-9);
  }

  @Test
  void findsTheSameSegmentsInStereo44kHzExtensibleSentWhole() {
    short[] mono = Wavs.samplesOf(RECORDING);
    short[] stereo = new short[mono.length * 4]; // 2x upsampled by linear interpolation, in two channels
    for (int i = 0; i < mono.length; i++) {
      short next = i + 1 < mono.length ? mono[i + 1] : mono[i];
      stereo[4 * i] = stereo[4 * i + 1] = mono[i];
      stereo[4 * i + 2] = stereo[4 * i + 3] = (short) ((mono[i] + next) / 2);
    }
    byte[] wav = Wavs.pcm16(stereo, 44_100, 2, true);
    VadResult result = Await.result(vad(ort).run(Source.single(ByteString.fromArray(wav)), materializer));
    assertArrayEquals(pipelineSegmentsMs(wav), result.segmentsMillis());
    assertSpeechSpan(result);
  }

  @Test
  void silenceAndWhiteNoiseHaveNoSpeech() {
    byte[] silence = Wavs.pcm16(new short[16_000 * 3], 16_000, 1, false);
    assertEquals(List.of(), Await.result(vad(ort).run(source(silence, () -> 4096), materializer)).segments());
    Random random = new Random(42);
    short[] noise = new short[48_000 * 3];
    for (int i = 0; i < noise.length; i++) noise[i] = (short) (random.nextGaussian() * 3000);
    VadResult result = Await.result(vad(ort).run(source(Wavs.pcm16(noise, 48_000, 1, false), () -> 8192), materializer));
    assertEquals(List.of(), result.segments());
    assertEquals(3.0, result.durationSeconds());
  }

  @Test
  void badAudioFailsWithInvalidArgument() {
    byte[] truncated = Arrays.copyOf(RECORDING, RECORDING.length / 2);
    Await.failure(vad(ort).run(source(truncated, () -> 1000), materializer), ErrorKind.INVALID_ARGUMENT, "WAV is truncated");
    Await.failure(vad(ort).run(source(Arrays.copyOf(RECORDING, 36), () -> 5), materializer), ErrorKind.INVALID_ARGUMENT, "no data chunk");
    Await.failure(vad(ort).run(source("not audio".getBytes(), () -> 3), materializer), ErrorKind.INVALID_ARGUMENT, "not a RIFF/WAVE");
    Await.failure(vad(ort).run(Source.empty(), materializer), ErrorKind.INVALID_ARGUMENT, "not a RIFF/WAVE");
    StreamingVad limited = new StreamingVad(ort, "vad", cpu, SegmentationParams.defaults(), 2);
    Await.failure(limited.run(source(RECORDING, () -> 65536), materializer), ErrorKind.INVALID_ARGUMENT, "over the limit of 2 s");
  }

  @Test
  void inferenceAndSourceErrorsPassThroughUnchanged() throws Exception {
    InferenceException unavailable = InferenceException.unavailable("vad router is shutting down");
    Inferer failing = request -> CompletableFuture.failedFuture(unavailable);
    assertSame(unavailable, cause(vad(failing).run(source(RECORDING, () -> 4096), materializer)));
    AtomicInteger calls = new AtomicInteger();
    Inferer failingLater =
        request -> calls.incrementAndGet() < 50 ? ort.infer(request) : CompletableFuture.failedFuture(unavailable);
    assertSame(unavailable, cause(vad(failingLater).run(source(RECORDING, () -> 4096), materializer)));
    assertEquals(50, calls.get(), "no call after the failed one");
    RuntimeException s3 = new RuntimeException("connection reset by object store");
    Source<ByteString, ?> broken = source(Arrays.copyOf(RECORDING, 50_000), () -> 4096).concat(Source.failed(s3));
    assertSame(s3, cause(vad(ort).run(broken, materializer)));
  }

  @Test
  void decodingRunsOnTheGivenExecutorOnePieceAtATime() {
    AtomicInteger tasks = new AtomicInteger();
    Executor counting =
        task -> {
          tasks.incrementAndGet();
          cpu.execute(task);
        };
    EnergyInferer energy = new EnergyInferer();
    StreamingVad vad = new StreamingVad(energy, "vad", counting, SegmentationParams.defaults());
    // One 280 kB chunk is cut into five pieces of at most 64 KiB; the end of input is one more task.
    Await.result(vad.run(Source.single(ByteString.fromArray(RECORDING)), materializer));
    assertEquals(RECORDING.length / StreamingVad.MAX_CHUNK_BYTES + 1 + 1, tasks.get());
    assertEquals(199, energy.calls()); // 101666 samples at 16 kHz in windows of 512, the last one partial
  }

  @Test
  void modelCallsAreSequentialAndCarryTheStateWhenTheyCompleteElsewhere() {
    ExecutorService router = Executors.newSingleThreadExecutor();
    try {
      EnergyInferer energy = new EnergyInferer(router);
      Random random = new Random(9);
      VadResult result = Await.result(vad(energy).run(source(RECORDING, () -> 1 + random.nextInt(700)), materializer));
      assertEquals(199, energy.calls());
      VadResult completedInline = Await.result(vad(new EnergyInferer()).run(source(RECORDING, () -> 4096), materializer));
      assertTrue(result.segments().size() >= 1);
      assertEquals(completedInline, result);
    } finally {
      router.shutdown();
    }
  }

  private static StreamingVad vad(Inferer inferer) {
    return new StreamingVad(inferer, "vad", cpu, SegmentationParams.defaults());
  }

  /** {@code wav} cut into chunks of the sizes {@code sizes} gives, as a download would arrive. */
  private static Source<ByteString, ?> source(byte[] wav, IntSupplier sizes) {
    List<ByteString> chunks = new ArrayList<>();
    for (int pos = 0; pos < wav.length; ) {
      int size = Math.min(sizes.getAsInt(), wav.length - pos);
      chunks.add(ByteString.fromArray(wav, pos, size));
      pos += size;
    }
    return Source.from(chunks);
  }

  private static long[] pipelineSegmentsMs(byte[] wav) {
    InferRequest request = InferRequest.of("vad_segments", List.of(Tensor.ofBytes("AUDIO", new long[] {1}, List.of(wav))));
    return Await.result(vadPipeline.infer(request)).output(VadPipeline.SEGMENTS_MS).orElseThrow().asLongs();
  }

  private static void assertSpeechSpan(VadResult result) {
    long[] ms = result.segmentsMillis();
    String all = Arrays.toString(ms);
    assertTrue(ms.length >= 2, "no speech found");
    assertTrue(Math.abs(ms[0] - SPEECH_START_MS) <= TOLERANCE_MS, "start in " + all);
    assertTrue(Math.abs(ms[ms.length - 1] - SPEECH_END_MS) <= TOLERANCE_MS, "end in " + all);
  }

  private static Throwable cause(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the run succeeded");
  }
}
