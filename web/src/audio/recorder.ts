// Records the microphone with MediaRecorder and turns the recording into the secret: decoded,
// mixed to mono and written as a 16-bit PCM WAV at the decoded rate, so the server stores exactly
// the bytes whose SHA-256 the page shows.

import { channelsOf, decodeAudio } from './decode';
import { encodeWav, mixToMono } from './wav';
import { sha256Hex } from '../util/hash';

export interface RecordedSecret {
  wav: Uint8Array;
  sampleRate: number;
  seconds: number;
  sha256: string;
}

export class Recorder {
  private stream: MediaStream | null = null;
  private recorder: MediaRecorder | null = null;
  private chunks: Blob[] = [];

  static supported(): boolean {
    return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia && typeof MediaRecorder !== 'undefined';
  }

  async start(): Promise<void> {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.chunks = [];
    this.recorder = new MediaRecorder(this.stream);
    this.recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    };
    this.recorder.start(250);
  }

  /** Stops and resolves with what was recorded, in the recorder's own format (webm/ogg). */
  stop(): Promise<Blob> {
    const rec = this.recorder;
    if (!rec) return Promise.reject(new Error('not recording'));
    return new Promise((resolve) => {
      rec.onstop = () => {
        this.release();
        resolve(new Blob(this.chunks, { type: rec.mimeType || 'audio/webm' }));
      };
      rec.stop();
    });
  }

  /** Lets go of the microphone (also when the view goes away mid-recording). */
  release(): void {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.recorder = null;
  }
}

export async function recordingToSecret(recorded: Blob): Promise<RecordedSecret> {
  const buffer = await decodeAudio(await recorded.arrayBuffer());
  const wav = encodeWav(mixToMono(channelsOf(buffer)), buffer.sampleRate);
  return { wav, sampleRate: buffer.sampleRate, seconds: buffer.duration, sha256: await sha256Hex(wav) };
}
