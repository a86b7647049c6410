package io.inferencia.gpu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.inferencia.gpu.pipeline.ocr.OcrPipelineFactory;
import io.inferencia.gpu.pipeline.vad.VadPipelineFactory;
import io.inferencia.gpu.testkit.TextPng;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the pipelines on an executor the test drives by hand: infer() must return before doing any
 * work, and every step must be handed to that executor, never run on the caller's thread.
 */
class PipelineThreadingTest {
  private static DirectOrtInferer ort;
  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Executor manual = tasks::add;
  private final AtomicInteger calls = new AtomicInteger();
  private final Inferer counting =
      request -> {
        calls.incrementAndGet();
        return ort.infer(request);
      };

  @BeforeAll
  static void setUp() throws Exception {
    ort = new DirectOrtInferer(DirectOrtInferer.repository(), Map.of("ocr_det", 4, "ocr_cls", 64, "ocr_rec", 32, "vad", 0));
  }

  @AfterAll
  static void tearDown() throws Exception {
    ort.close();
  }

  @Test
  void ocrDoesNoWorkOnTheCallerThread() throws Exception {
    Path repo = DirectOrtInferer.repository();
    PipelineModel ocr =
        new OcrPipelineFactory()
            .create(ModelConfig.newBuilder().setName("ocr").build(), repo.resolve("ocr"), context());
    CompletableFuture<InferResponse> f = ocr.infer(request("IMAGE", TextPng.of("pekko"))).toCompletableFuture();
    assertNothingRanYet(f);
    assertEquals(List.of("pekko"), drain(f).output("TEXT").orElseThrow().asStrings());
    assertEquals(3, calls.get(), "det, cls and rec once each");
  }

  @Test
  void vadDoesNoWorkOnTheCallerThread() throws Exception {
    PipelineModel vad =
        new VadPipelineFactory()
            .create(ModelConfig.newBuilder().setName("vad_segments").build(), DirectOrtInferer.repository().resolve("vad_segments"), context());
    byte[] wav;
    try (InputStream in = getClass().getResourceAsStream("/audio/speech_22050_mono.wav")) {
      wav = in.readAllBytes();
    }
    CompletableFuture<InferResponse> f = vad.infer(request("AUDIO", wav)).toCompletableFuture();
    assertNothingRanYet(f);
    assertTrue(drain(f).output("SEGMENTS_MS").orElseThrow().asLongs().length >= 2);
    // 6.354 s at 16 kHz = 101666 samples = 199 windows of 512, one sequential call each.
    assertEquals(199, calls.get());
  }

  private PipelineContext context() {
    return new PipelineContext(counting, manual, ConfigFactory.empty());
  }

  private void assertNothingRanYet(CompletableFuture<InferResponse> f) {
    assertFalse(f.isDone());
    assertEquals(0, calls.get());
    assertEquals(1, tasks.size());
  }

  /** Runs the queued steps on this thread until the pipeline completes. */
  private InferResponse drain(CompletableFuture<InferResponse> f) throws InterruptedException {
    while (!f.isDone()) {
      Runnable next = tasks.poll(60, TimeUnit.SECONDS);
      assertNotNull(next, "pipeline stalled with no queued step");
      next.run();
    }
    return f.join();
  }

  private static InferRequest request(String input, byte[] data) {
    return InferRequest.of("p", List.of(Tensor.ofBytes(input, new long[] {1}, List.of(data))));
  }
}
