// Uploads one file to storage through pre-signed URLs: a single PUT for small files, else its parts
// three at a time with per-part retries. The session (upload id, part size, etags so far) is handed
// to the caller as it changes so it can be kept in IndexedDB and resumed after a reload.

import { ApiError, MissingEtagError, StorageError, problemSlug } from './errors';
import { bytesDone, countDone, missingParts, partRange, planUrlBatch, type Etags } from './parts';
import { putBlob } from './putBlob';
import { sleep, withRetries } from './retry';
import {
  abortUpload,
  completeMultipart,
  completeSingle,
  createUpload,
  isMultipart,
  partUrls,
  type PartUrl,
  type SinglePutCreated,
} from './uploads';

export interface UploadSession {
  uploadId: string;
  input: string;
  multipart: boolean;
  partSize: number;
  partCount: number;
  etags: Etags;
}

export interface UploadProgress {
  partsDone: number;
  partCount: number;
  bytesSent: number;
  bytesTotal: number;
}

export interface UploadHooks {
  /** A new session was created: awaited, so it is stored before any byte goes out. */
  onSession(s: UploadSession): Promise<void>;
  /** A part is in storage (its etag is in the session already). */
  onPart(n: number, etag: string): void;
  onProgress(p: UploadProgress): void;
  signal: AbortSignal;
}

const PARALLEL_PARTS = 3;
/** A URL this close to its expiry is replaced before use. */
const URL_MARGIN_MS = 15_000;

/** Part URLs: those the create call gave, then fetched in batches as workers need them. */
class PartUrlCache {
  private urls = new Map<number, { url: string; expires: number }>();
  private pending = new Map<number, Promise<void>>();

  constructor(
    private readonly session: UploadSession,
    private readonly signal: AbortSignal,
  ) {}

  add(parts: PartUrl[], expiresAt: string): void {
    const expires = Date.parse(expiresAt) || Date.now() + 5 * 60_000;
    for (const p of parts) this.urls.set(p.partNumber, { url: p.url, expires });
  }

  invalidate(n: number): void {
    this.urls.delete(n);
  }

  private fresh(n: number): boolean {
    const u = this.urls.get(n);
    return !!u && u.expires - Date.now() > URL_MARGIN_MS;
  }

  async get(n: number): Promise<string> {
    if (!this.fresh(n)) {
      const waiting = this.pending.get(n);
      if (waiting) await waiting;
      if (!this.fresh(n)) await this.fetch(n);
    }
    const u = this.urls.get(n);
    if (!u) throw new Error(`the server gave no URL for part ${n}`);
    return u.url;
  }

  private async fetch(n: number): Promise<void> {
    const s = this.session;
    const batch = planUrlBatch(n, s.partCount, s.etags, (p) => this.fresh(p) || this.pending.has(p));
    const request = partUrls(s.uploadId, batch, this.signal).then((r) => this.add(r.parts, r.expiresAt));
    for (const p of batch) this.pending.set(p, request);
    try {
      await request;
    } finally {
      for (const p of batch) this.pending.delete(p);
    }
  }
}

const storageRetryable = (e: unknown) => e instanceof StorageError;

async function singlePut(blob: Blob, s: UploadSession, created: SinglePutCreated, hooks: UploadHooks): Promise<string> {
  const report = (sent: number) => hooks.onProgress({ partsDone: 0, partCount: 1, bytesSent: sent, bytesTotal: blob.size });
  report(0);
  const res = await withRetries(
    () => putBlob(created.url, blob, { headers: created.headers, part: 1, signal: hooks.signal, onProgress: report }),
    { retryable: storageRetryable, wait: (ms) => sleep(ms, hooks.signal) },
  );
  if (res.etag) s.etags[1] = res.etag;
  const done = await completeSingle(s.uploadId, hooks.signal);
  hooks.onProgress({ partsDone: 1, partCount: 1, bytesSent: blob.size, bytesTotal: blob.size });
  return done.input;
}

async function multipart(blob: Blob, s: UploadSession, urls: PartUrlCache, resumed: boolean, hooks: UploadHooks): Promise<string> {
  const inFlight = new Map<number, number>();
  let sent = bytesDone(s.partCount, s.partSize, blob.size, s.etags);
  const report = () => {
    let moving = 0;
    for (const v of inFlight.values()) moving += v;
    hooks.onProgress({ partsDone: countDone(s.partCount, s.etags), partCount: s.partCount, bytesSent: sent + moving, bytesTotal: blob.size });
  };
  report();

  // One controller for the workers: when a part gives up, the others stop too.
  const stop = new AbortController();
  const onParentAbort = () => stop.abort();
  hooks.signal.addEventListener('abort', onParentAbort, { once: true });

  const sendPart = async (n: number) => {
    const [a, b] = partRange(n, s.partSize, blob.size);
    const body = blob.slice(a, b);
    let lastError: unknown = null;
    const res = await withRetries(
      async (attempt) => {
        // A refused PUT is most likely an expired or bad signature: get a fresh URL for the next try.
        if (attempt > 0 && lastError instanceof StorageError && lastError.status !== 0) urls.invalidate(n);
        const url = await urls.get(n);
        inFlight.set(n, 0);
        try {
          return await putBlob(url, body, {
            part: n,
            signal: stop.signal,
            onProgress: (loaded) => {
              inFlight.set(n, loaded);
              report();
            },
          });
        } catch (e) {
          lastError = e;
          inFlight.delete(n);
          report();
          throw e;
        }
      },
      { retryable: storageRetryable, wait: (ms) => sleep(ms, stop.signal) },
    );
    inFlight.delete(n);
    if (!res.etag) throw new MissingEtagError(n);
    s.etags[n] = res.etag;
    sent += b - a;
    hooks.onPart(n, res.etag);
    report();
  };

  const queue = missingParts(s.partCount, s.etags);
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) await sendPart(n);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, worker));
  } catch (e) {
    stop.abort();
    throw e;
  } finally {
    hooks.signal.removeEventListener('abort', onParentAbort);
  }

  try {
    return (await completeMultipart(s.uploadId, s.partCount, s.etags, hooks.signal)).input;
  } catch (e) {
    // Resumed after a reload that came between completing and recording it: the upload is already whole.
    if (resumed && e instanceof ApiError && problemSlug(e.problem.type) === 'upload-not-found') return s.input;
    throw e;
  }
}

/** Uploads blob (resuming session when it is a multipart one); resolves with its s3:// input. */
export async function uploadBlob(
  blob: Blob,
  filename: string,
  contentType: string,
  session: UploadSession | undefined,
  hooks: UploadHooks,
): Promise<string> {
  if (session?.multipart) {
    const urls = new PartUrlCache(session, hooks.signal);
    return multipart(blob, session, urls, true, hooks);
  }
  // A single PUT cannot be resumed (its URL expires with its session): start it over.
  if (session) abortUpload(session.uploadId).catch(() => undefined);
  const created = await createUpload(filename, contentType, blob.size, hooks.signal);
  if (isMultipart(created)) {
    const s: UploadSession = {
      uploadId: created.uploadId,
      input: created.input,
      multipart: true,
      partSize: created.partSize,
      partCount: created.partCount,
      etags: {},
    };
    await hooks.onSession(s);
    const urls = new PartUrlCache(s, hooks.signal);
    urls.add(created.parts, created.expiresAt);
    return multipart(blob, s, urls, false, hooks);
  }
  const s: UploadSession = { uploadId: created.uploadId, input: created.input, multipart: false, partSize: blob.size, partCount: 1, etags: {} };
  await hooks.onSession(s);
  return singlePut(blob, s, created, hooks);
}

