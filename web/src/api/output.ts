// Fetches a job's result from its pre-signed URL on storage. No Authorization header: the URL is its
// own credential, and storage is another origin (an extra header would also force a preflight).

import { DownloadError, isAbort } from './errors';
import type { Job } from './jobs';

export async function fetchOutput(job: Job, signal: AbortSignal): Promise<Response> {
  const url = job.output?.url;
  if (!url) throw new DownloadError('the job has no downloadable result (no output URL)');
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'omit' });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new DownloadError('storage could not be reached');
  }
  if (!res.ok) throw new DownloadError(`storage answered HTTP ${res.status}`);
  return res;
}

export async function fetchOutputJson(job: Job, signal: AbortSignal): Promise<unknown> {
  const res = await fetchOutput(job, signal);
  try {
    return JSON.parse(await res.text());
  } catch {
    throw new DownloadError('the result document is not JSON');
  }
}
