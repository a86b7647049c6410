// IndexedDB persistence of unfinished jobs: database 'inferencia', store 'uploads'. A job is kept
// under its view's name, and each of its files' Blobs under "<view>/file/<i>" in the same store:
// the Blobs are written once, while the small record is rewritten after every part (rewriting a
// record that holds a large File copies the whole file again each time).

import type { PendingFile, PendingJob, ViewName } from './pending';

const DB = 'inferencia';
const STORE = 'uploads';

/** The record as stored: the job with its files' Blobs left out. */
type StoredJob = Omit<PendingJob, 'files'> & { files: Omit<PendingFile, 'blob'>[] };

const fileKey = (view: ViewName, i: number) => `${view}/file/${i}`;

let opened: Promise<IDBDatabase> | null = null;

function db(): Promise<IDBDatabase> {
  if (!opened)
    opened = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => {
        opened = null;
        reject(req.error);
      };
    });
  return opened;
}

/** Runs op in one transaction; resolves with what op returns once the transaction has committed. */
function transact<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => () => T): Promise<T> {
  return db().then(
    (d) =>
      new Promise<T>((resolve, reject) => {
        const tx = d.transaction(STORE, mode);
        const result = op(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result());
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      }),
  );
}

const chains = new Map<ViewName, Promise<unknown>>();
/** Jobs whose Blobs are already stored (written at start, or read back after a reload). */
const blobsStored = new WeakSet<PendingJob>();

/** Queues writes per view, so a slow write never lands after a newer one. */
function chained<T>(view: ViewName, op: () => Promise<T>): Promise<T> {
  const next = (chains.get(view) ?? Promise.resolve()).catch(() => undefined).then(op);
  chains.set(view, next);
  return next;
}

export function loadPending(view: ViewName): Promise<PendingJob | null> {
  return chained(view, async () => {
    const stored = await transact('readonly', (s) => {
      const req = s.get(view);
      return () => req.result as StoredJob | undefined;
    });
    if (!stored) return null;
    const blobs = await transact('readonly', (s) => {
      const reqs = stored.files.map((_, i) => s.get(fileKey(view, i)));
      return () => reqs.map((r) => r.result as Blob | undefined);
    });
    if (blobs.some((b) => !b)) return null; // a half-written job cannot be resumed
    const job: PendingJob = { ...stored, files: stored.files.map((f, i) => ({ ...f, blob: blobs[i]! })) };
    blobsStored.add(job);
    return job;
  });
}

export function savePending(job: PendingJob): Promise<void> {
  // A copy: the caller keeps changing its object while the write is queued.
  const record: StoredJob = {
    ...job,
    files: job.files.map(({ blob: _blob, ...f }) => ({ ...f, session: f.session && { ...f.session, etags: { ...f.session.etags } } })),
  };
  const withBlobs = !blobsStored.has(job);
  blobsStored.add(job);
  return chained(job.view, () =>
    transact('readwrite', (s) => {
      if (withBlobs) job.files.forEach((f, i) => s.put(f.blob, fileKey(job.view, i)));
      s.put(record, job.view);
      return () => undefined;
    }),
  );
}

export function deletePending(view: ViewName): Promise<void> {
  return chained(view, () =>
    transact('readwrite', (s) => {
      s.delete(view);
      s.delete(IDBKeyRange.bound(`${view}/`, `${view}/\uffff`));
      return () => undefined;
    }),
  );
}
