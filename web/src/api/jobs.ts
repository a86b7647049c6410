// The jobs API: submit, read, and the shapes of a job and of its events.

import { apiJson } from './client';

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface JobProgress {
  bytesDone: number;
  bytesTotal: number;
  fraction: number;
}

export interface Job {
  jobId: string;
  task: string;
  input: string;
  status: JobStatus;
  createdAt: string;
  updatedAt: string;
  attempts: number;
  error: string | null;
  output: { uri: string; url?: string } | null;
  progress?: JobProgress;
}

export interface JobEvent {
  jobId: string;
  seq: number;
  event: 'Submitted' | 'Started' | 'Progress' | 'Succeeded' | 'Failed' | 'RetryScheduled' | 'Cancelled';
  status: JobStatus;
  attempt: number;
  at: string;
  detail?: string;
  progress?: JobProgress;
  job?: Job;
}

export interface Submitted {
  jobId: string;
  status: JobStatus;
  statusUrl: string;
}

export function isFinal(status: string): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';
}

export function submitJob(task: string, input: string, params: Record<string, string>, signal?: AbortSignal): Promise<Submitted> {
  return apiJson<Submitted>('POST', '/v1/jobs', { task, input, params }, signal);
}

export function getJob(jobId: string, signal?: AbortSignal): Promise<Job> {
  return apiJson<Job>('GET', `/v1/jobs/${encodeURIComponent(jobId)}`, undefined, signal);
}
