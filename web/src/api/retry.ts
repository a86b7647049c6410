// Per-part retry with backoff: storage hiccups should not stop a large upload, but a dead
// connection should stop it quickly enough for the person to see why.

export const PART_RETRY_DELAYS_MS = [500, 1000, 2000];

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RetryOptions {
  delays?: number[];
  /** Whether an error is worth another try (an aborted upload or a refused API call is not). */
  retryable?: (e: unknown) => boolean;
  wait?: (ms: number) => Promise<void>;
}

/** Calls fn(attempt) until it succeeds, retrying after each delay; the last error is thrown. */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const delays = opts.delays ?? PART_RETRY_DELAYS_MS;
  const wait = opts.wait ?? ((ms: number) => sleep(ms));
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= delays.length || (opts.retryable && !opts.retryable(e))) throw e;
      await wait(delays[attempt]);
    }
  }
}
