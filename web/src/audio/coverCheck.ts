// Reads a WAV's header from the picked file (its first 64 KiB, more only when chunks before the
// data are that long) and says what it can carry, so a bad cover is refused before uploading.

import { checkDataFits, parseWavHeader, type WavHeader } from './wav';

const FIRST_READ = 64 * 1024;
/** The server refuses headers longer than this, so there is no point reading further. */
const MAX_HEADER = 1024 * 1024;

export type WavCheck = { ok: true; header: WavHeader; seconds: number } | { ok: false; reason: string };

export async function checkWavFile(file: Blob): Promise<WavCheck> {
  let parsed = parseWavHeader(new Uint8Array(await file.slice(0, FIRST_READ).arrayBuffer()));
  if (!parsed.ok && parsed.incomplete && file.size > FIRST_READ)
    parsed = parseWavHeader(new Uint8Array(await file.slice(0, MAX_HEADER).arrayBuffer()));
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const truncated = checkDataFits(parsed.header, file.size);
  if (truncated) return { ok: false, reason: truncated };
  const h = parsed.header;
  return { ok: true, header: h, seconds: h.dataBytes / (h.channels * 2) / h.sampleRate };
}

/** The refusal shown for a file that is not a usable 16-bit PCM WAV. */
export function wavRefusal(name: string, reason: string): string {
  return `${name} cannot be used: only 16-bit PCM WAV files are supported (${reason}). Convert it to 16-bit PCM WAV, then choose it again.`;
}
