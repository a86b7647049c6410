// Decodes an audio file in the browser (recordings, VAD waveforms). An AudioContext decodes at its
// own rate; when none can be made (no audio device), an OfflineAudioContext decodes just the same.

export async function decodeAudio(bytes: ArrayBuffer): Promise<AudioBuffer> {
  try {
    const ctx = new AudioContext();
    try {
      // decodeAudioData detaches its argument: give it a copy so the fallback still has the bytes.
      return await ctx.decodeAudioData(bytes.slice(0));
    } finally {
      ctx.close().catch(() => undefined);
    }
  } catch (e) {
    if (typeof OfflineAudioContext === 'undefined') throw e;
    const off = new OfflineAudioContext(1, 1, 48000);
    return off.decodeAudioData(bytes.slice(0));
  }
}

export function channelsOf(buffer: AudioBuffer): Float32Array[] {
  const out: Float32Array[] = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) out.push(buffer.getChannelData(c));
  return out;
}
