import { describe, expect, it } from 'vitest';
import { fitProblem, payloadCapacity, textCapacity, utf8Length, wavSecretCapacity } from './capacity';

describe('payload capacity', () => {
  it('is floor((dataBytes/2 - 192)/8) less the content type', () => {
    // 10000 samples: (10000 - 192) / 8 = 1226, less 25 for text = 1201 (the server's example)
    expect(textCapacity(20000)).toBe(1201);
    expect(wavSecretCapacity(20000)).toBe(1226 - 9);
    expect(payloadCapacity(20000, 0)).toBe(1226);
  });

  it('ignores an odd last byte, which is no sample', () => {
    expect(payloadCapacity(20001, 0)).toBe(payloadCapacity(20000, 0));
    expect(payloadCapacity(2 * (192 + 15), 0)).toBe(1); // 15 body bits are one whole byte
  });

  it('is zero for covers too short for the frame header or the content type', () => {
    expect(payloadCapacity(2 * 191, 0)).toBe(0);
    expect(payloadCapacity(2 * 192, 0)).toBe(0);
    expect(textCapacity(2 * (192 + 8 * 20))).toBe(0); // 20 body bytes < 25 of content type
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(utf8Length('héllo')).toBe(6);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('text/plain; charset=utf-8')).toBe(25);
  });
});

describe('fitProblem', () => {
  it('accepts a secret up to the capacity and names the numbers beyond it', () => {
    expect(fitProblem(1201, 1201)).toBeNull();
    const msg = fitProblem(3000, 1201);
    expect(msg).toContain('3000 bytes');
    expect(msg).toContain('1201 bytes');
    expect(fitProblem(1, 0)).toContain('too short');
  });
});
