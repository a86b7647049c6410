import { describe, expect, it } from 'vitest';
import { fitScale, parseOcrLines } from './ocrResult';
import { mergePeaks, msToX, parseVad, peaks } from './vadResult';
import { formatSegment } from '../util/format';
import { charsetOf, downloadName, secretKind } from '../util/contentType';
import { routeOf } from '../routes';

describe('OCR result', () => {
  it('reads lines with their corner boxes', () => {
    const doc = {
      jobId: 'j',
      task: 'ocr',
      result: [{ text: 'HELLO', confidence: 0.98, box: [[10, 20], [110, 20.5], [110, 40], [10, 40]] }],
    };
    expect(parseOcrLines(doc)).toEqual([
      { text: 'HELLO', confidence: 0.98, box: [[10, 20], [110, 20.5], [110, 40], [10, 40]] },
    ]);
    expect(() => parseOcrLines({ result: {} })).toThrow();
  });

  it('fits an image without enlarging it', () => {
    expect(fitScale(2000, 1000, 800, 1200)).toBe(0.4);
    expect(fitScale(400, 300, 800, 1200)).toBe(1);
  });
});

describe('VAD result', () => {
  it('reads segments in milliseconds and formats them in seconds', () => {
    const v = parseVad({ result: { durationMs: 6000, segments: [{ start_ms: 1520, end_ms: 4600 }] } });
    expect(v).toEqual({ durationMs: 6000, segments: [{ startMs: 1520, endMs: 4600 }] });
    expect(formatSegment(1520, 4600)).toBe('1.52 s – 4.60 s');
  });

  it('reduces samples to min/max per column', () => {
    const p = peaks(new Float32Array([0.1, -0.5, 0.9, 0.2, -0.1, -0.3]), 3);
    expect(Array.from(p.min)).toEqual([-0.5, 0.2, -0.3].map(Math.fround));
    expect(Array.from(p.max)).toEqual([0.1, 0.9, -0.1].map(Math.fround));
    const m = mergePeaks(p, 1);
    expect([m.min[0], m.max[0]]).toEqual([Math.fround(-0.5), Math.fround(0.9)]);
  });

  it('places times on the canvas', () => {
    expect(msToX(1500, 6000, 800)).toBe(200);
    expect(msToX(7000, 6000, 800)).toBe(800);
  });
});

describe('recovered secret type', () => {
  it('shows text, plays audio, offers anything else', () => {
    expect(secretKind('text/plain;charset=utf-8')).toBe('text');
    expect(charsetOf('text/plain;charset=utf-8')).toBe('utf-8');
    expect(secretKind('audio/wav')).toBe('audio');
    expect(secretKind('application/pdf')).toBe('file');
    expect(downloadName('application/pdf')).toBe('secret.pdf');
    expect(secretKind(null)).toBe('file');
  });
});

describe('routes', () => {
  it('maps hashes to views, encode by default', () => {
    expect(routeOf('#/ocr')).toBe('ocr');
    expect(routeOf('#/vad')).toBe('vad');
    expect(routeOf('')).toBe('encode');
    expect(routeOf('#/nope')).toBe('encode');
  });
});
