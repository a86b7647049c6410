// Multipart planning without I/O: which parts remain, which bytes a part holds, which URLs to ask
// for next and the body that completes the upload. Kept pure so resume logic is unit tested.

/** Part etags by part number, as storage returned them (quotes kept). */
export type Etags = Record<number, string>;

/** Byte range [start, end) of part n (1-based) of a file cut into partSize pieces. */
export function partRange(n: number, partSize: number, fileSize: number): [number, number] {
  const start = (n - 1) * partSize;
  return [start, Math.min(fileSize, start + partSize)];
}

/** Part numbers 1..partCount that have no etag yet, in order. */
export function missingParts(partCount: number, etags: Etags): number[] {
  const out: number[] = [];
  for (let n = 1; n <= partCount; n++) if (!etags[n]) out.push(n);
  return out;
}

export function countDone(partCount: number, etags: Etags): number {
  return partCount - missingParts(partCount, etags).length;
}

/** Bytes already in storage: the sizes of the parts with an etag. */
export function bytesDone(partCount: number, partSize: number, fileSize: number, etags: Etags): number {
  let sum = 0;
  for (let n = 1; n <= partCount; n++) {
    if (!etags[n]) continue;
    const [a, b] = partRange(n, partSize, fileSize);
    sum += b - a;
  }
  return sum;
}

/**
 * The part numbers to request URLs for when part n needs one: n and the following parts that are
 * neither done nor already have a URL, at most max (one call fetches a batch instead of one per part).
 */
export function planUrlBatch(n: number, partCount: number, etags: Etags, haveUrl: (p: number) => boolean, max = 8): number[] {
  const out = [n];
  for (let p = n + 1; p <= partCount && out.length < max; p++) if (!etags[p] && !haveUrl(p)) out.push(p);
  return out;
}

/** The complete call's body: every part in order with its etag; throws if one is missing. */
export function completeBody(partCount: number, etags: Etags): { parts: { partNumber: number; etag: string }[] } {
  const parts = [];
  for (let n = 1; n <= partCount; n++) {
    const etag = etags[n];
    if (!etag) throw new Error(`part ${n} has not been uploaded`);
    parts.push({ partNumber: n, etag });
  }
  return { parts };
}

/** Headers a browser refuses to set on a request (it sets them itself, e.g. Content-Length). */
const FORBIDDEN = new Set(['content-length', 'host', 'connection', 'expect', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'accept-encoding', 'date', 'origin', 'referer']);

/** The signed headers a PUT can carry; the browser adds the forbidden ones itself with the same values. */
export function settableHeaders(headers: Record<string, string> | undefined): [string, string][] {
  return Object.entries(headers ?? {}).filter(([k]) => !FORBIDDEN.has(k.toLowerCase()) && !/^(proxy-|sec-)/i.test(k));
}
