// WAV writing and RIFF header parsing, without DOM, so both can be unit tested.
// The parser mirrors the server's checks (protocols/audio/WavFormat, WavHeaderParser) so a cover is
// refused here with the same reasons the server would give, before any byte is uploaded.

const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;
/** KSDATAFORMAT_SUBTYPE_PCM after its first two bytes (which hold the format tag 1). */
const PCM_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/** Converts one float sample to int16: clipped to [-1, 1], scaled asymmetrically so -1 is -32768 and 1 is 32767, rounded. */
export function floatToInt16(x: number): number {
  if (Number.isNaN(x)) return 0;
  const c = x > 1 ? 1 : x < -1 ? -1 : x;
  const v = Math.round(c < 0 ? c * 32768 : c * 32767);
  return v === 0 ? 0 : v; // no negative zero
}

/** Averages channels into one, so a stereo recording becomes the mono secret. */
export function mixToMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0];
  const n = Math.min(...channels.map((c) => c.length));
  const out = new Float32Array(n);
  for (const c of channels) for (let i = 0; i < n; i++) out[i] += c[i];
  for (let i = 0; i < n; i++) out[i] /= channels.length;
  return out;
}

/** A mono 16-bit PCM WAV: the canonical 44-byte RIFF header, then little-endian samples. */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true); // fmt body size
  v.setUint16(20, FORMAT_PCM, true);
  v.setUint16(22, 1, true); // channels
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true); // byte rate
  v.setUint16(32, 2, true); // block align
  v.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) v.setInt16(44 + i * 2, floatToInt16(samples[i]), true);
  return out;
}

export interface WavHeader {
  channels: number;
  sampleRate: number;
  /** Offset of the first sample byte in the file. */
  dataOffset: number;
  /** The size the data chunk's header declares. */
  dataBytes: number;
}

/** ok, or why not; incomplete when the bytes ended before the data chunk (read more of the file). */
export type WavParse = { ok: true; header: WavHeader } | { ok: false; reason: string; incomplete: boolean };

function refuse(reason: string, incomplete = false): WavParse {
  return { ok: false, reason, incomplete };
}

function tag(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** Checks a fmt chunk body; a reason string when it is not 16-bit PCM the server accepts. */
function parseFormat(v: DataView, at: number, size: number): { channels: number; sampleRate: number } | string {
  if (size < 16) return `WAV fmt chunk is too short (${size} bytes)`;
  const formatTag = v.getUint16(at, true);
  const channels = v.getUint16(at + 2, true);
  const sampleRate = v.getUint32(at + 4, true);
  const blockAlign = v.getUint16(at + 12, true);
  const bits = v.getUint16(at + 14, true);
  if (formatTag === FORMAT_EXTENSIBLE) {
    if (size < 40) return `WAV extensible fmt chunk is too short (${size} bytes)`;
    let pcm = v.getUint16(at + 24, true) === FORMAT_PCM;
    for (let i = 0; i < PCM_GUID_TAIL.length && pcm; i++) pcm = v.getUint8(at + 26 + i) === PCM_GUID_TAIL[i];
    if (!pcm) return 'WAV extensible sub-format is not PCM';
  } else if (formatTag !== FORMAT_PCM) {
    return `WAV format tag ${formatTag} is not PCM (1); only 16-bit PCM is supported`;
  }
  if (bits !== 16) return `WAV has ${bits}-bit samples; only 16-bit PCM is supported`;
  if (channels < 1) return 'WAV declares no channels';
  if (sampleRate < 1000 || sampleRate > 768_000) return `WAV sample rate ${sampleRate} Hz is out of range`;
  if (blockAlign !== channels * 2)
    return `WAV block align ${blockAlign} does not match ${channels} channels of 16 bits`;
  return { channels, sampleRate };
}

/** Walks the chunks of the file's first bytes up to the data chunk's header. */
export function parseWavHeader(bytes: Uint8Array): WavParse {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) return refuse('audio is not a RIFF/WAVE file', bytes.length > 0 && isRiffPrefix(bytes));
  if (tag(bytes, 0) !== 'RIFF' || tag(bytes, 8) !== 'WAVE') return refuse('audio is not a RIFF/WAVE file');
  let at = 12;
  let format: { channels: number; sampleRate: number } | null = null;
  for (;;) {
    if (at + 8 > bytes.length) return refuse(format ? 'WAV has no data chunk (truncated?)' : 'WAV has no fmt chunk', true);
    const id = tag(bytes, at);
    const size = v.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data') {
      if (!format) return refuse('WAV has a data chunk before its fmt chunk');
      return { ok: true, header: { ...format, dataOffset: body, dataBytes: size } };
    }
    if (body + size > bytes.length)
      return refuse(`WAV is truncated: chunk '${id}' declares ${size} bytes but only ${bytes.length - body} remain`, true);
    if (id === 'fmt ') {
      const f = parseFormat(v, body, size);
      if (typeof f === 'string') return refuse(f);
      format = f;
    }
    at = body + size + (size & 1); // chunks are padded to even length
  }
}

function isRiffPrefix(b: Uint8Array): boolean {
  const riff = 'RIFF';
  for (let i = 0; i < Math.min(4, b.length); i++) if (b[i] !== riff.charCodeAt(i)) return false;
  return true;
}

/** The header's declared data must be in the file: a shorter file was truncated (the server refuses it too). */
export function checkDataFits(header: WavHeader, fileSize: number): string | null {
  const available = fileSize - header.dataOffset;
  if (header.dataBytes > available)
    return `the WAV header declares ${header.dataBytes} bytes of samples but the file holds ${Math.max(0, available)} after its header (truncated, or a lying header)`;
  return null;
}
