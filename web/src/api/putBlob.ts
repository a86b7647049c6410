// PUT to a pre-signed storage URL with XMLHttpRequest: fetch has no upload progress events, and the
// progress bar should move while a part is on its way, not jump when it is done.

import { StorageError } from './errors';
import { settableHeaders } from './parts';

export interface PutResult {
  /** The ETag response header verbatim (quotes kept), null when CORS hides it. */
  etag: string | null;
}

export function putBlob(
  url: string,
  body: Blob,
  opts: { headers?: Record<string, string>; onProgress?: (loaded: number) => void; signal?: AbortSignal; part?: number },
): Promise<PutResult> {
  return new Promise((resolve, reject) => {
    const signal = opts.signal;
    if (signal?.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [k, v] of settableHeaders(opts.headers)) xhr.setRequestHeader(k, v);
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.upload.onprogress = (e) => opts.onProgress?.(Math.min(e.loaded, body.size));
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) resolve({ etag: xhr.getResponseHeader('ETag') });
      else reject(new StorageError(xhr.status, `storage answered HTTP ${xhr.status}`, opts.part));
    };
    xhr.onerror = () => {
      done();
      reject(new StorageError(0, 'storage could not be reached', opts.part));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
    };
    xhr.send(body);
  });
}
