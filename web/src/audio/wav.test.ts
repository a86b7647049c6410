import { describe, expect, it } from 'vitest';
import { checkDataFits, encodeWav, floatToInt16, mixToMono, parseWavHeader } from './wav';

const ascii = (b: Uint8Array, at: number) => String.fromCharCode(...b.slice(at, at + 4));

/** Builds a WAV from chunks [id, body] after the RIFF preamble. */
function riff(chunks: [string, Uint8Array][]): Uint8Array {
  const size = chunks.reduce((n, [, body]) => n + 8 + body.length + (body.length & 1), 4);
  const out = new Uint8Array(8 + size);
  const v = new DataView(out.buffer);
  out.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
  v.setUint32(4, size, true);
  out.set([...'WAVE'].map((c) => c.charCodeAt(0)), 8);
  let at = 12;
  for (const [id, body] of chunks) {
    out.set([...id].map((c) => c.charCodeAt(0)), at);
    v.setUint32(at + 4, body.length, true);
    out.set(body, at + 8);
    at += 8 + body.length + (body.length & 1);
  }
  return out;
}

function fmt(opts: { tag?: number; channels?: number; rate?: number; bits?: number; align?: number } = {}): Uint8Array {
  const { tag = 1, channels = 2, rate = 44100, bits = 16 } = opts;
  const align = opts.align ?? (channels * bits) / 8;
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, tag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, rate * align, true);
  v.setUint16(12, align, true);
  v.setUint16(14, bits, true);
  return b;
}

describe('floatToInt16', () => {
  it('clips out-of-range samples to the int16 limits', () => {
    expect(floatToInt16(1.5)).toBe(32767);
    expect(floatToInt16(-2)).toBe(-32768);
    expect(floatToInt16(1)).toBe(32767);
    expect(floatToInt16(-1)).toBe(-32768);
  });

  it('rounds to the nearest step, negatives scaled by 32768', () => {
    expect(floatToInt16(0.5)).toBe(16384); // 16383.5 rounds up
    expect(floatToInt16(-0.5)).toBe(-16384); // exactly -16384
    expect(floatToInt16(0.25)).toBe(8192); // 8191.75
    expect(floatToInt16(1 / 32767)).toBe(1);
    expect(floatToInt16(0.4 / 32767)).toBe(0);
    expect(Object.is(floatToInt16(-0.00001), 0)).toBe(true); // no negative zero
  });

  it('maps NaN to silence', () => {
    expect(floatToInt16(Number.NaN)).toBe(0);
  });
});

describe('encodeWav', () => {
  it('writes a 44-byte little-endian PCM header with the right sizes and rates', () => {
    const wav = encodeWav(new Float32Array([0, 0.5, -1, 2]), 48000);
    const v = new DataView(wav.buffer);
    expect(wav.length).toBe(44 + 8);
    expect(ascii(wav, 0)).toBe('RIFF');
    expect(v.getUint32(4, true)).toBe(36 + 8);
    expect(ascii(wav, 8)).toBe('WAVE');
    expect(ascii(wav, 12)).toBe('fmt ');
    expect(v.getUint32(16, true)).toBe(16);
    expect(v.getUint16(20, true)).toBe(1); // PCM
    expect(v.getUint16(22, true)).toBe(1); // mono
    expect(v.getUint32(24, true)).toBe(48000);
    expect(v.getUint32(28, true)).toBe(96000); // byte rate
    expect(v.getUint16(32, true)).toBe(2); // block align
    expect(v.getUint16(34, true)).toBe(16);
    expect(ascii(wav, 36)).toBe('data');
    expect(v.getUint32(40, true)).toBe(8);
    expect([0, 1, 2, 3].map((i) => v.getInt16(44 + 2 * i, true))).toEqual([0, 16384, -32768, 32767]);
    // little-endian: 16384 = 0x4000 is stored low byte first
    expect([wav[46], wav[47]]).toEqual([0x00, 0x40]);
  });

  it('round-trips through the header parser', () => {
    const wav = encodeWav(new Float32Array(1000), 16000);
    const p = parseWavHeader(wav);
    expect(p).toEqual({ ok: true, header: { channels: 1, sampleRate: 16000, dataOffset: 44, dataBytes: 2000 } });
  });
});

describe('mixToMono', () => {
  it('averages the channels sample by sample', () => {
    expect(Array.from(mixToMono([new Float32Array([1, 0.5, -1]), new Float32Array([0, 0.5, 1])]))).toEqual([0.5, 0.5, 0]);
  });

  it('keeps a single channel as it is', () => {
    const one = new Float32Array([0.1, 0.2]);
    expect(mixToMono([one])).toBe(one);
  });
});

describe('parseWavHeader', () => {
  it('accepts 16-bit PCM and reports format, data offset and size', () => {
    const p = parseWavHeader(riff([['fmt ', fmt({ channels: 2, rate: 22050 })], ['data', new Uint8Array(400)]]));
    expect(p).toEqual({ ok: true, header: { channels: 2, sampleRate: 22050, dataOffset: 44, dataBytes: 400 } });
  });

  it('refuses 8-bit samples with the server\'s words', () => {
    const p = parseWavHeader(riff([['fmt ', fmt({ bits: 8, channels: 1 })], ['data', new Uint8Array(10)]]));
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.reason).toBe('WAV has 8-bit samples; only 16-bit PCM is supported');
      expect(p.incomplete).toBe(false);
    }
  });

  it('refuses float and non-RIFF files', () => {
    const f = parseWavHeader(riff([['fmt ', fmt({ tag: 3, bits: 32, align: 8 })], ['data', new Uint8Array(8)]]));
    expect(f.ok || f.reason).toBe('WAV format tag 3 is not PCM (1); only 16-bit PCM is supported');
    const notWav = parseWavHeader(new TextEncoder().encode('ID3\u0004 this is an mp3 file'));
    expect(notWav.ok || notWav.reason).toBe('audio is not a RIFF/WAVE file');
  });

  it('skips chunks before data, including odd-sized ones with their pad byte', () => {
    const list = new Uint8Array(7).fill(0x41);
    const p = parseWavHeader(riff([['fmt ', fmt({ channels: 1, rate: 8000 })], ['LIST', list], ['fact', new Uint8Array(4)], ['data', new Uint8Array(6)]]));
    // 12 preamble + (8+16) fmt + (8+7+1) LIST + (8+4) fact + 8 data header
    expect(p.ok && p.header.dataOffset).toBe(12 + 24 + 16 + 12 + 8);
    expect(p.ok && p.header.dataBytes).toBe(6);
  });

  it('takes the data chunk offset from where it is, after a fmt chunk that follows other chunks', () => {
    const p = parseWavHeader(riff([['JUNK', new Uint8Array(28)], ['fmt ', fmt()], ['data', new Uint8Array(4)]]));
    expect(p.ok && p.header.dataOffset).toBe(12 + 36 + 24 + 8);
  });

  it('refuses data before fmt', () => {
    const p = parseWavHeader(riff([['data', new Uint8Array(4)], ['fmt ', fmt()]]));
    expect(p.ok || p.reason).toBe('WAV has a data chunk before its fmt chunk');
  });

  it('says it needs more bytes when the header is cut before the data chunk', () => {
    const whole = riff([['LIST', new Uint8Array(100)], ['fmt ', fmt()], ['data', new Uint8Array(4)]]);
    const p = parseWavHeader(whole.slice(0, 60));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.incomplete).toBe(true);
  });

  it('accepts WAVE_FORMAT_EXTENSIBLE with the PCM sub-format', () => {
    const body = new Uint8Array(40);
    body.set(fmt({ tag: 0xfffe }), 0);
    const v = new DataView(body.buffer);
    v.setUint16(16, 22, true); // cbSize
    v.setUint16(24, 1, true); // sub-format's first two bytes: PCM
    body.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
    expect(parseWavHeader(riff([['fmt ', body], ['data', new Uint8Array(4)]])).ok).toBe(true);
    body[30] = 0x11; // not the PCM GUID any more
    const p = parseWavHeader(riff([['fmt ', body], ['data', new Uint8Array(4)]]));
    expect(p.ok || p.reason).toBe('WAV extensible sub-format is not PCM');
  });
});

describe('checkDataFits', () => {
  it('refuses a header that declares more samples than the file has', () => {
    const header = { channels: 1, sampleRate: 8000, dataOffset: 44, dataBytes: 1000 };
    expect(checkDataFits(header, 1044)).toBeNull();
    expect(checkDataFits(header, 544)).toContain('declares 1000 bytes of samples but the file holds 500');
  });
});
