import { describe, expect, it } from 'vitest';
import { jobParams, nextFile, resumeLabel, type PendingJob } from './pending';

const session = (partCount: number, done: number[]) => ({
  uploadId: 'u1',
  input: 's3://intake/t/cover.wav',
  multipart: true,
  partSize: 5,
  partCount,
  etags: Object.fromEntries(done.map((n) => [n, `"e${n}"`])),
});

function job(): PendingJob {
  return {
    view: 'encode',
    task: 'stego.encode',
    params: { key: 'k' },
    secretParam: 'secret',
    files: [
      { role: 'secret', name: 'secret.wav', contentType: 'audio/wav', blob: new Blob(['x']), input: 's3://intake/t/secret.wav' },
      { role: 'input', name: 'cover.wav', contentType: 'audio/wav', blob: new Blob(['y']), session: session(6, [1, 2, 4]) },
    ],
    createdAt: 0,
  };
}

describe('pending jobs', () => {
  it('names the file to resume and how many parts are in storage', () => {
    expect(resumeLabel(job())).toBe('Resume upload of cover.wav (3 of 6 parts sent)');
    expect(nextFile(job())?.name).toBe('cover.wav');
  });

  it('fills the uploaded secret into the job params', () => {
    expect(jobParams(job())).toEqual({ key: 'k', secret: 's3://intake/t/secret.wav' });
  });

  it('offers to submit when every file is uploaded', () => {
    const j = job();
    j.files[1].input = 's3://intake/t/cover.wav';
    expect(nextFile(j)).toBeNull();
    expect(resumeLabel(j)).toMatch(/^Resume: submit the job for cover\.wav/);
  });
});
