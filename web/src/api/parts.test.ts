import { describe, expect, it } from 'vitest';
import { bytesDone, completeBody, countDone, missingParts, partRange, planUrlBatch, settableHeaders } from './parts';

const MiB = 1024 * 1024;

describe('part planning', () => {
  it('cuts the file into partSize ranges with a shorter last part', () => {
    expect(partRange(1, 5 * MiB, 12 * MiB)).toEqual([0, 5 * MiB]);
    expect(partRange(2, 5 * MiB, 12 * MiB)).toEqual([5 * MiB, 10 * MiB]);
    expect(partRange(3, 5 * MiB, 12 * MiB)).toEqual([10 * MiB, 12 * MiB]);
  });

  it('lists the parts still missing, given the etags done so far', () => {
    const etags = { 1: '"a"', 3: '"c"', 4: '"d"' };
    expect(missingParts(6, etags)).toEqual([2, 5, 6]);
    expect(countDone(6, etags)).toBe(3);
    expect(missingParts(3, { 1: '"a"', 2: '"b"', 3: '"c"' })).toEqual([]);
    expect(missingParts(2, {})).toEqual([1, 2]);
  });

  it('counts the bytes of done parts, the last one short', () => {
    expect(bytesDone(3, 5 * MiB, 12 * MiB, { 1: '"a"', 3: '"c"' })).toBe(5 * MiB + 2 * MiB);
  });

  it('asks URLs for the needed part and the next ones that are neither done nor signed', () => {
    const etags = { 2: '"b"' };
    const signed = new Set([4]);
    expect(planUrlBatch(1, 12, etags, (p) => signed.has(p), 4)).toEqual([1, 3, 5, 6]);
    expect(planUrlBatch(11, 12, etags, () => false)).toEqual([11, 12]);
  });

  it('completes with every part in order and the etags verbatim', () => {
    expect(completeBody(3, { 3: '"c"', 1: '"a"', 2: '"b"' })).toEqual({
      parts: [
        { partNumber: 1, etag: '"a"' },
        { partNumber: 2, etag: '"b"' },
        { partNumber: 3, etag: '"c"' },
      ],
    });
    expect(() => completeBody(3, { 1: '"a"', 3: '"c"' })).toThrow('part 2');
  });

  it('drops the signed headers a browser sets itself', () => {
    expect(settableHeaders({ 'Content-Type': 'audio/wav', 'Content-Length': '10', Host: 'x', 'x-amz-meta-a': 'b' })).toEqual([
      ['Content-Type', 'audio/wav'],
      ['x-amz-meta-a', 'b'],
    ]);
  });
});
