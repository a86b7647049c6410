// Turns errors into sentences a person understands, with what to do next; the server's own detail
// is appended so nothing is hidden (it carries the numbers, e.g. a cover's capacity).

import { ApiError, DownloadError, JobEndedError, MissingEtagError, NetworkError, StorageError, problemSlug, type Problem } from './errors';

const NO_PAYLOAD =
  'No hidden message was found in this file. It may carry none, or it was encoded with a different key: check the key and try again.';
const BAD_WAV =
  'The file is not a WAV this service can read: it must be an uncompressed 16-bit PCM WAV. Convert it (for example export it as "WAV, signed 16-bit PCM") and try again.';
const TOO_BIG_FOR_COVER = 'The secret does not fit in this cover. Choose a longer cover WAV, or a shorter secret.';
const TOO_LARGE = 'The file is larger than this server accepts. Choose a smaller file.';
const UNAVAILABLE = 'The service is temporarily unavailable. Wait a moment, then try again.';
const BAD_KEY = 'The server did not accept the API key. Enter a valid key in the "API key" field at the top of the page, then try again.';
const GONE_INPUT = 'The uploaded file is no longer on the server (the upload may have expired or been discarded). Upload it again.';

const BY_TYPE: Record<string, string> = {
  unauthorized: BAD_KEY,
  'input-too-large': TOO_LARGE,
  'upload-too-large': TOO_LARGE,
  'body-too-large': TOO_LARGE,
  'invalid-wav': BAD_WAV,
  'no-payload': NO_PAYLOAD,
  'input-not-found': GONE_INPUT,
  'secret-not-found': GONE_INPUT,
  'input-not-yours': 'That file was uploaded with another API key. Upload it again with your key.',
  'upload-expired': 'The upload took too long and its session expired. Start the upload again.',
  'upload-not-found': 'The upload no longer exists on the server (it was completed or discarded). Start again.',
  'upload-incomplete': 'Storage did not receive the whole file. Start the upload again.',
  'upload-size-mismatch': 'Storage received a different number of bytes than the file has. Start the upload again.',
  'invalid-stego-key': 'The key is too long. Use a shorter key.',
  'invalid-stego-secret': 'The secret was refused. Type a text of at most 4096 bytes, or record one.',
  'unknown-task': 'This server does not offer this task. Ask its operator which tasks are enabled.',
  'task-unavailable': 'This task is not available on the server right now. Try again later, or ask its operator.',
  'jobs-unavailable': UNAVAILABLE,
  'storage-unavailable': 'The server could not reach its storage. Wait a moment, then try again.',
  timeout: 'The server took too long to answer. Try again in a moment.',
  'job-not-found': 'The job could not be found on the server (it may have been removed). Start it again.',
};

function byStatus(p: Problem): string {
  const s = p.status;
  if (s === 401) return BAD_KEY;
  if (s === 403) return 'This API key may not do that. Use a key that has access, or ask the operator.';
  if (s === 404) return 'The server could not find what was asked for. Start again.';
  if (s === 413) return TOO_LARGE;
  if (s === 422) return 'The server cannot process this file. Check that it is the right kind of file, then try again.';
  if (s === 429) return 'The server is busy with too many requests. Wait a moment, then try again.';
  if (s === 503) return UNAVAILABLE;
  if (s >= 500) return 'The server ran into a problem. Try again in a moment; if it keeps failing, tell the operator.';
  return 'The server refused the request. Check the inputs, then try again.';
}

function withDetail(sentence: string, detail: string | null | undefined): string {
  const d = (detail ?? '').trim();
  return d ? `${sentence} (Server said: ${d})` : sentence;
}

/** A problem+json as a sentence; a 413 secret is too large for the server, a 422 one for the cover. */
export function describeProblem(p: Problem): string {
  const slug = problemSlug(p.type);
  let sentence: string;
  if (slug === 'secret-too-large')
    sentence = p.status === 422 ? TOO_BIG_FOR_COVER : 'The secret is larger than this server accepts. Use a shorter secret.';
  else sentence = BY_TYPE[slug] ?? byStatus(p);
  return withDetail(sentence, p.detail);
}

/** Why a job failed, from its error text (the worker's reason). */
export function describeJobFailure(reason: string | null, status: 'FAILED' | 'CANCELLED' = 'FAILED'): string {
  if (status === 'CANCELLED') return withDetail('The job was cancelled before it finished. Start it again if you still need it.', reason);
  const r = reason ?? '';
  let sentence = 'The job failed on the server. Try again; if it fails again, check the file.';
  if (/no payload found/i.test(r)) sentence = NO_PAYLOAD;
  else if (/payload is corrupted|frame is damaged|frame version/i.test(r))
    sentence = 'A hidden message was found but it is damaged: the file was changed after encoding (re-encoded, trimmed or edited). Use the original encoded file.';
  else if (/does not fit the cover/i.test(r)) sentence = TOO_BIG_FOR_COVER;
  else if (/16-bit PCM|not PCM|RIFF\/WAVE|\bWAV\b/i.test(r)) sentence = BAD_WAV;
  else if (/image/i.test(r) && /(not supported|empty|format)/i.test(r))
    sentence = 'The image could not be read: only PNG and JPEG images are supported. Convert it, then try again.';
  else if (/over the limit of \d+ s|audio is [\d.]+ s long/i.test(r)) sentence = 'The audio is too long for this service. Trim it, then try again.';
  else if (/larger than the task's limit|over the limit/i.test(r)) sentence = TOO_LARGE;
  else if (/gave up after \d+ attempts/i.test(r))
    sentence = 'The job kept failing on the server and was given up. Try again later; if it keeps failing, tell the operator.';
  return withDetail(sentence, reason);
}

/** The upload-status line when an upload stops. */
export function uploadStoppedLine(e: unknown): string {
  if (e instanceof StorageError && e.status !== 0)
    return `Upload stopped: storage refused part ${e.part ?? '?'} (HTTP ${e.status}). Press Resume to try again with fresh links.`;
  if (e instanceof MissingEtagError)
    return 'Upload stopped: storage did not show the part\'s ETag (its CORS settings must expose ETag). Tell the operator.';
  if (e instanceof ApiError) return 'Upload stopped: the server refused to go on (see the message below).';
  if (e instanceof NetworkError) return 'Upload stopped: the server could not be reached. Check your connection, then press Resume.';
  return 'Upload stopped: storage could not be reached. Check your connection, then press Resume.';
}

/** Any error of the page as the text of the error box. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) return describeProblem(e.problem);
  if (e instanceof JobEndedError) return describeJobFailure(e.reason, e.status);
  if (e instanceof DownloadError)
    return withDetail('The job finished, but its result could not be downloaded from storage. Check your connection, then run it again.', e.message);
  if (e instanceof NetworkError) return 'The server could not be reached. Check your connection, then try again.';
  if (e instanceof StorageError || e instanceof MissingEtagError) return uploadStoppedLine(e);
  const msg = e instanceof Error ? e.message : String(e);
  return withDetail('Something went wrong in the page. Reload it and try again.', msg);
}
