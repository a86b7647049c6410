// Follows a job to its end: Server-Sent Events read with fetch (so the Authorization header goes
// along), reconnecting with Last-Event-ID when the stream breaks, and polling GET every second when
// the stream keeps failing (a proxy that buffers or cuts event streams).

import { apiFetch } from './client';
import { ApiError, NetworkError, isAbort } from './errors';
import { getJob, isFinal, type Job, type JobEvent, type JobStatus } from './jobs';
import { sleep } from './retry';
import { SseParser } from './sse';

export interface JobUpdate {
  status: JobStatus;
  /** 0..1 when the job reported progress, else null. */
  fraction: number | null;
  /** A line for people: a retry's reason, the attempt number. */
  note: string | null;
}

const STREAM_TRIES = 3;
const POLL_MS = 1000;
/** Consecutive failed polls before giving up (the API is down, not just slow). */
const POLL_FAILURES = 30;

/** Errors that another try cannot fix: the API answered with a client error. */
function permanent(e: unknown): boolean {
  return isAbort(e) || (e instanceof ApiError && e.problem.status < 500 && e.problem.status !== 408 && e.problem.status !== 429);
}

function updateOf(ev: JobEvent, previous: number | null): JobUpdate {
  switch (ev.event) {
    case 'Progress':
      return { status: ev.status, fraction: ev.progress ? ev.progress.fraction : previous, note: null };
    case 'RetryScheduled':
      return { status: ev.status, fraction: 0, note: `Attempt ${ev.attempt - 1} failed${ev.detail ? ` (${ev.detail})` : ''}; it will be retried.` };
    case 'Started':
      return { status: ev.status, fraction: previous ?? 0, note: ev.attempt > 1 ? `Attempt ${ev.attempt} running.` : null };
    case 'Succeeded':
      return { status: ev.status, fraction: 1, note: null };
    default:
      return { status: ev.status, fraction: previous, note: null };
  }
}

/** Reads one connection of the event stream; the final job, or null when it ended before one. */
async function readStream(
  jobId: string,
  parser: SseParser,
  onEvent: (ev: JobEvent) => void,
  signal: AbortSignal,
): Promise<{ job: Job | null; events: number }> {
  const last = parser.lastEventId;
  const res = await apiFetch(`/v1/jobs/${encodeURIComponent(jobId)}/events`, {
    signal,
    headers: { Accept: 'text/event-stream', ...(last ? { 'Last-Event-ID': last } : {}) },
  });
  if (!res.body) return { job: null, events: 0 };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let events = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (isAbort(e)) throw e;
        return { job: null, events }; // the connection broke
      }
      if (chunk.done) return { job: null, events };
      for (const sse of parser.feed(decoder.decode(chunk.value, { stream: true }))) {
        let ev: JobEvent;
        try {
          ev = JSON.parse(sse.data) as JobEvent;
        } catch {
          continue; // not one of ours (e.g. an empty heartbeat)
        }
        if (!ev || typeof ev.status !== 'string') continue;
        events++;
        onEvent(ev);
        if (isFinal(ev.status)) return { job: ev.job ?? (await getJob(jobId, signal)), events };
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

async function poll(jobId: string, onUpdate: (u: JobUpdate) => void, signal: AbortSignal): Promise<Job> {
  let failures = 0;
  for (;;) {
    try {
      const job = await getJob(jobId, signal);
      failures = 0;
      onUpdate({ status: job.status, fraction: job.status === 'SUCCEEDED' ? 1 : (job.progress?.fraction ?? null), note: null });
      if (isFinal(job.status)) return job;
    } catch (e) {
      if (permanent(e) || ++failures >= POLL_FAILURES) throw e;
    }
    await sleep(POLL_MS, signal);
  }
}

/** Resolves with the job once it is SUCCEEDED, FAILED or CANCELLED. */
export async function followJob(jobId: string, onUpdate: (u: JobUpdate) => void, signal: AbortSignal): Promise<Job> {
  const parser = new SseParser();
  let fraction: number | null = null;
  const onEvent = (ev: JobEvent) => {
    const u = updateOf(ev, fraction);
    fraction = u.fraction;
    onUpdate(u);
  };
  for (let tries = 0; tries < STREAM_TRIES; ) {
    try {
      const { job, events } = await readStream(jobId, parser, onEvent, signal);
      if (job) return job;
      tries = events > 0 ? 1 : tries + 1; // a stream that delivered is healthy: keep reconnecting to it
    } catch (e) {
      if (permanent(e)) throw e;
      if (!(e instanceof NetworkError || e instanceof ApiError || e instanceof TypeError)) throw e;
      tries++;
    }
    await sleep(POLL_MS, signal);
  }
  return poll(jobId, onUpdate, signal);
}
