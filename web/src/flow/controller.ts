// Runs one view's job from start to result: upload its files, submit, follow, fetch the result.
// It lives outside React (one per view, for the page's lifetime) so a job keeps going while the
// person looks at another tab, and views just render its state.

import { ApiError, JobEndedError, isAbort } from '../api/errors';
import { followJob } from '../api/follow';
import { submitJob, type Job } from '../api/jobs';
import { abortUpload } from '../api/uploads';
import { uploadBlob } from '../api/uploader';
import { describeError, uploadStoppedLine } from '../api/wording';
import { inputFile, jobParams, resumeLabel, type PendingJob, type ViewName } from './pending';
import { deletePending, loadPending, savePending } from './store';

export interface UploadView {
  name: string;
  bytesSent: number;
  bytesTotal: number;
  line: string;
  stopped: boolean;
}

export interface JobView {
  jobId: string;
  status: string;
  fraction: number | null;
  note: string | null;
}

export interface FlowState<R> {
  busy: boolean;
  upload: UploadView | null;
  job: JobView | null;
  error: string | null;
  /** An unfinished job that can be resumed (kept in IndexedDB). */
  pending: PendingJob | null;
  resumeLabel: string | null;
  /** The job being run or last run: views draw its input file with the result. */
  current: PendingJob | null;
  result: R | null;
}

export type ResultLoader<R> = (job: Job, run: PendingJob, signal: AbortSignal) => Promise<R>;

const EMPTY = {
  busy: false,
  upload: null,
  job: null,
  error: null,
  pending: null,
  resumeLabel: null,
  current: null,
  result: null,
};

/** A client error means the same request will be refused again: nothing left to resume. */
function refusedForGood(e: unknown): boolean {
  return e instanceof ApiError && e.problem.status >= 400 && e.problem.status < 500 && e.problem.status !== 408 && e.problem.status !== 429;
}

/** A missing or wrong API key: fixed in the header, then the same job can be resumed. */
function keyProblem(e: unknown): boolean {
  return e instanceof ApiError && (e.problem.status === 401 || e.problem.status === 403);
}

/** Whether the job should be forgotten after this error: retrying it would be refused the same way. */
function hopeless(e: unknown): boolean {
  return refusedForGood(e) && !keyProblem(e);
}

export class FlowController<R> {
  private state: FlowState<R> = { ...EMPTY };
  private listeners = new Set<() => void>();
  private initialised = false;
  /** begin() was called and start() or fail() will follow. */
  private claimed = false;

  constructor(
    readonly view: ViewName,
    private readonly loadResult: ResultLoader<R>,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): FlowState<R> => this.state;

  private set(patch: Partial<FlowState<R>>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private setPending(job: PendingJob | null): void {
    this.set({ pending: job, resumeLabel: job ? resumeLabel(job) : null });
  }

  /** Looks for an unfinished job of this view left by an earlier page (once). */
  init(): void {
    if (this.initialised) return;
    this.initialised = true;
    loadPending(this.view)
      .then((job) => {
        if (job && !this.state.busy) this.setPending(job);
      })
      .catch(() => undefined); // no IndexedDB (private mode): nothing to resume
  }

  /**
   * Claims the controller at the click: the last run's output goes at once, so nothing stale (an old
   * result link) is on screen while the view checks its inputs. False when a job is already running.
   */
  begin(): boolean {
    if (this.state.busy) return false;
    this.claimed = true;
    this.set({ busy: true, upload: null, job: null, error: null, result: null, current: null });
    return true;
  }

  /** Shows a refusal from the view's own checks (and releases a claim made by begin). */
  fail(message: string): void {
    const claimed = this.claimed;
    this.claimed = false;
    this.set(claimed ? { error: message, busy: false } : { error: message });
  }

  clearError(): void {
    if (this.state.error) this.set({ error: null });
  }

  /** Starts a new job; one left unfinished in this view is discarded first. */
  async start(job: PendingJob): Promise<void> {
    if (!this.claimed && !this.begin()) return;
    this.claimed = false;
    const old = this.state.pending;
    if (old) await this.drop(old);
    try {
      await savePending(job);
    } catch {
      // Without IndexedDB the job still runs; it just cannot be resumed after a reload.
    }
    await this.run(job);
  }

  async resume(): Promise<void> {
    const job = this.state.pending;
    if (!job || this.state.busy) return;
    await this.run(job);
  }

  /** The Discard button: forgets the unfinished job. */
  async discard(): Promise<void> {
    const job = this.state.pending;
    if (!job || this.state.busy) return;
    this.set({ upload: null, error: null });
    await this.drop(job);
  }

  /** Forgets an unfinished job and asks the server to drop its uploads. */
  private async drop(job: PendingJob): Promise<void> {
    this.set({ pending: null, resumeLabel: null });
    for (const f of job.files) if (f.session) await abortUpload(f.session.uploadId).catch(() => undefined);
    await deletePending(this.view).catch(() => undefined);
  }

  private async run(job: PendingJob): Promise<void> {
    // Nothing cancels a run yet; the signal is threaded through so a Cancel button only needs to abort it.
    const signal = new AbortController().signal;
    this.set({ ...EMPTY, busy: true, current: job });
    let phase: 'upload' | 'submit' | 'follow' = 'upload';
    try {
      for (const f of job.files) {
        if (f.input) continue;
        this.set({ upload: { name: f.name, bytesSent: 0, bytesTotal: f.blob.size, line: `Uploading ${f.name}`, stopped: false } });
        f.input = await uploadBlob(f.blob, f.name, f.contentType, f.session, {
          signal,
          onSession: async (s) => {
            f.session = s;
            await savePending(job).catch(() => undefined);
          },
          onPart: () => {
            savePending(job).catch(() => undefined);
          },
          onProgress: (p) =>
            this.set({
              upload: {
                name: f.name,
                bytesSent: p.bytesSent,
                bytesTotal: p.bytesTotal,
                line: `Uploading ${f.name}: part ${Math.min(p.partsDone + 1, p.partCount)} of ${p.partCount}`,
                stopped: false,
              },
            }),
        });
        await savePending(job).catch(() => undefined);
      }
      const total = job.files.reduce((n, f) => n + f.blob.size, 0);
      this.set({ upload: { name: inputFile(job).name, bytesSent: total, bytesTotal: total, line: 'Uploaded', stopped: false } });

      phase = 'submit';
      let submitted;
      try {
        submitted = await submitJob(job.task, inputFile(job).input!, jobParams(job), signal);
      } catch (e) {
        if (hopeless(e)) await deletePending(this.view).catch(() => undefined);
        throw e;
      }
      await deletePending(this.view).catch(() => undefined);

      phase = 'follow';
      this.set({ job: { jobId: submitted.jobId, status: submitted.status, fraction: 0, note: null } });
      const done = await followJob(
        submitted.jobId,
        (u) => this.set({ job: { jobId: submitted.jobId, status: u.status, fraction: u.fraction, note: u.note } }),
        signal,
      );
      this.set({ job: { jobId: done.jobId, status: done.status, fraction: done.status === 'SUCCEEDED' ? 1 : this.state.job?.fraction ?? 0, note: null } });
      if (done.status !== 'SUCCEEDED') throw new JobEndedError(done.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED', done.error, done.task);
      this.set({ result: await this.loadResult(done, job, signal) });
    } catch (e) {
      if (isAbort(e) && signal.aborted) return;
      const patch: Partial<FlowState<R>> = { error: describeError(e) };
      if (phase === 'upload' && this.state.upload) patch.upload = { ...this.state.upload, line: uploadStoppedLine(e), stopped: true };
      this.set(patch);
      // What is still in IndexedDB can be resumed: a stopped upload, or a submission the server could not take yet.
      // A refusal that a retry cannot change (too large, expired) leaves nothing to resume; a key problem can be fixed.
      if (hopeless(e)) {
        if (phase === 'upload') await deletePending(this.view).catch(() => undefined);
      } else if (phase === 'upload' || phase === 'submit') this.setPending(job);
    } finally {
      this.set({ busy: false });
    }
  }
}
