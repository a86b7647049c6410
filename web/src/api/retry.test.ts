import { describe, expect, it } from 'vitest';
import { PART_RETRY_DELAYS_MS, withRetries } from './retry';

describe('withRetries', () => {
  it('retries three times with 0.5 s, 1 s and 2 s between tries, then gives up with the last error', async () => {
    const waits: number[] = [];
    let calls = 0;
    await expect(
      withRetries(
        async (attempt) => {
          calls++;
          throw new Error(`try ${attempt}`);
        },
        { wait: async (ms) => void waits.push(ms) },
      ),
    ).rejects.toThrow('try 3');
    expect(calls).toBe(4);
    expect(waits).toEqual([500, 1000, 2000]);
    expect(PART_RETRY_DELAYS_MS).toEqual([500, 1000, 2000]);
  });

  it('returns the first success', async () => {
    const waits: number[] = [];
    const v = await withRetries(async (attempt) => (attempt < 2 ? Promise.reject(new Error('no')) : 'ok'), {
      wait: async (ms) => void waits.push(ms),
    });
    expect(v).toBe('ok');
    expect(waits).toEqual([500, 1000]);
  });

  it('does not retry errors that are not retryable', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new TypeError('refused');
        },
        { retryable: (e) => !(e instanceof TypeError), wait: async () => undefined },
      ),
    ).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });
});
