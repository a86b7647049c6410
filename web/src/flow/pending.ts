// What an unfinished job is made of, as kept in IndexedDB so it can be resumed after a reload: the
// files themselves (IndexedDB stores Blobs and Files), each one's upload session, and the job to
// submit once every file is in storage.

import type { UploadSession } from '../api/uploader';

export type ViewName = 'encode' | 'decode' | 'ocr' | 'vad';

export interface PendingFile {
  /** 'input' is the job's input; 'secret' an uploaded stego secret. */
  role: 'input' | 'secret';
  name: string;
  contentType: string;
  blob: Blob;
  session?: UploadSession;
  /** The s3:// URI once the upload is complete. */
  input?: string;
}

export interface PendingJob {
  /** The view it belongs to (one unfinished job per view; also the IndexedDB key). */
  view: ViewName;
  task: string;
  params: Record<string, string>;
  /** The param that takes the secret file's s3:// URI once it is uploaded. */
  secretParam?: string;
  files: PendingFile[];
  createdAt: number;
}

/** The file whose upload comes next, or null when all are in storage. */
export function nextFile(job: PendingJob): PendingFile | null {
  return job.files.find((f) => !f.input) ?? null;
}

export function inputFile(job: PendingJob): PendingFile {
  const f = job.files.find((x) => x.role === 'input');
  if (!f) throw new Error('the job has no input file');
  return f;
}

/** The job's params with the uploaded secret's URI filled in. */
export function jobParams(job: PendingJob): Record<string, string> {
  const params = { ...job.params };
  const secret = job.files.find((f) => f.role === 'secret');
  if (job.secretParam && secret?.input) params[job.secretParam] = secret.input;
  return params;
}

/** The resume button's words: which file, and how far it got. */
export function resumeLabel(job: PendingJob): string {
  const f = nextFile(job);
  if (!f) return `Resume: submit the job for ${inputFile(job).name} (all files uploaded)`;
  const s = f.session;
  if (!s || !s.multipart) return `Resume upload of ${f.name} (not started)`;
  const done = Object.keys(s.etags).length;
  return `Resume upload of ${f.name} (${done} of ${s.partCount} parts sent)`;
}
