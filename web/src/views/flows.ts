// One FlowController per view, each with how its result is fetched and prepared for display.

import { DownloadError } from '../api/errors';
import { fetchOutput, fetchOutputJson } from '../api/output';
import { FlowController } from '../flow/controller';
import { inputFile } from '../flow/pending';
import { channelsOf, decodeAudio } from '../audio/decode';
import { mixToMono } from '../audio/wav';
import { charsetOf, downloadName, mediaType, secretKind } from '../util/contentType';
import { sha256Hex } from '../util/hash';
import { parseOcrLines, type OcrLine } from './ocrResult';
import { parseVad, peaks, type Peaks, type VadResult } from './vadResult';

export interface EncodeResult {
  url: string;
}

export type DecodeResult =
  | { kind: 'text'; text: string }
  | { kind: 'audio'; url: string; sha256: string; type: string }
  | { kind: 'file'; url: string; type: string; filename: string };

export interface OcrResult {
  lines: OcrLine[];
  image: Blob;
}

export interface VadView {
  vad: VadResult;
  /** Fine min/max peaks of the local decode; null when the browser could not decode the file. */
  peaks: Peaks | null;
}

/** Enough columns for any canvas width; drawing merges them down to the canvas's pixels. */
const PEAK_COLUMNS = 4096;

function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new DownloadError(e instanceof Error ? e.message : String(e));
  }
}

export const encodeFlow = new FlowController<EncodeResult>('encode', async (job) => {
  if (!job.output?.url) throw new DownloadError('the job has no downloadable result (no output URL)');
  return { url: job.output.url };
});

export const decodeFlow = new FlowController<DecodeResult>('decode', async (job, _run, signal) => {
  const res = await fetchOutput(job, signal);
  const type = res.headers.get('Content-Type');
  const bytes = await res.arrayBuffer();
  switch (secretKind(type)) {
    case 'text': {
      let decoder: TextDecoder;
      try {
        decoder = new TextDecoder(charsetOf(type));
      } catch {
        decoder = new TextDecoder('utf-8');
      }
      return { kind: 'text', text: decoder.decode(bytes) };
    }
    case 'audio': {
      const blob = new Blob([bytes], { type: mediaType(type) });
      return { kind: 'audio', url: URL.createObjectURL(blob), sha256: await sha256Hex(bytes), type: mediaType(type) };
    }
    default: {
      const blob = new Blob([bytes], { type: mediaType(type) });
      return { kind: 'file', url: URL.createObjectURL(blob), type: mediaType(type), filename: downloadName(type) };
    }
  }
});

export const ocrFlow = new FlowController<OcrResult>('ocr', async (job, run, signal) => {
  const doc = await fetchOutputJson(job, signal);
  return { lines: parsed(() => parseOcrLines(doc)), image: inputFile(run).blob };
});

export const vadFlow = new FlowController<VadView>('vad', async (job, run, signal) => {
  const doc = await fetchOutputJson(job, signal);
  const vad = parsed(() => parseVad(doc));
  let p: Peaks | null = null;
  try {
    const buffer = await decodeAudio(await inputFile(run).blob.arrayBuffer());
    p = peaks(mixToMono(channelsOf(buffer)), PEAK_COLUMNS);
  } catch {
    // The segments are still shown; only the waveform is missing.
  }
  return { vad, peaks: p };
});
