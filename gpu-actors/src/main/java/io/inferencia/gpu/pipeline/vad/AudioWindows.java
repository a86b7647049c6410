package io.inferencia.gpu.pipeline.vad;

import io.inferencia.protocols.audio.WavFormat;
import io.inferencia.gpu.pipeline.audio.StreamingResampler;
import io.inferencia.gpu.pipeline.audio.WavStreamDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU side of {@link StreamingVad}: WAV bytes in pieces → mono → 16 kHz → Silero windows. Each
 * step keeps a fixed amount of state (the header, a partial frame, the resampler's kernel span, one
 * window), so memory does not grow with the input. Not thread-safe: feed it from one thread at a time.
 */
final class AudioWindows {
  private final WavStreamDecoder decoder;
  private final WindowFramer framer = new WindowFramer();
  private StreamingResampler resampler;

  AudioWindows(double maxSeconds) {
    this.decoder = new WavStreamDecoder(maxSeconds);
  }

  /** The windows that {@code chunk} completed. */
  List<VadEvent> feed(ByteBuffer chunk) {
    float[] mono = decoder.feed(chunk);
    if (resampler == null) {
      if (decoder.format().isEmpty()) return List.of();
      resampler = new StreamingResampler(decoder.format().get().sampleRate(), SileroCall.SAMPLE_RATE);
    }
    return windows(framer.feed(resampler.feed(mono)));
  }

  /** The input has ended: checks it is complete, then gives the last windows and the {@link VadEvent.End}. */
  List<VadEvent> finish() {
    decoder.finish();
    List<VadEvent> events = windows(framer.feed(resampler.finish()));
    framer.finish().ifPresent(last -> events.add(new VadEvent.Window(last)));
    WavFormat format = decoder.format().orElseThrow();
    events.add(new VadEvent.End(framer.samples(), (double) decoder.frames() / format.sampleRate()));
    return events;
  }

  private static List<VadEvent> windows(List<float[]> inputs) {
    List<VadEvent> events = new ArrayList<>(inputs.size() + 2);
    for (float[] input : inputs) events.add(new VadEvent.Window(input));
    return events;
  }
}
