package io.inferencia.gpu.pipeline.audio;

/** 16-bit PCM frames as read from a WAV file: interleaved samples, {@code channels} per frame. */
public record PcmAudio(int sampleRate, int channels, short[] interleaved) {
  public int frames() {
    return interleaved.length / channels;
  }

  /** Averages the channels into one, scaled to [-1, 1). */
  public float[] mono() {
    int frames = frames();
    float[] out = new float[frames];
    float scale = 1f / (32768f * channels);
    for (int f = 0; f < frames; f++) {
      int sum = 0;
      for (int c = 0; c < channels; c++) sum += interleaved[f * channels + c];
      out[f] = sum * scale;
    }
    return out;
  }
}
