import { describe, expect, it } from 'vitest';
import { sha256Fallback, sha256Hex, toHex } from './hash';

describe('sha256', () => {
  it('matches the FIPS test vectors', async () => {
    expect(toHex(sha256Fallback(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256Fallback(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('agrees with WebCrypto across block boundaries', async () => {
    for (const n of [55, 56, 63, 64, 65, 1000]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
      expect(toHex(sha256Fallback(data))).toBe(toHex(await crypto.subtle.digest('SHA-256', data)));
    }
  });
});
