import { describe, expect, it } from 'vitest';
import { ApiError, JobEndedError, StorageError, problemSlug, toProblem } from './errors';
import { describeError, describeJobFailure, describeProblem, uploadStoppedLine } from './wording';

const problem = (slug: string, status: number, detail: string) => ({
  type: `https://inferencia.io/problems/${slug}`,
  title: 'x',
  status,
  detail,
  instance: '/v1/jobs',
});

describe('problem parsing', () => {
  it('reads problem+json and falls back to the status for other bodies', () => {
    const p = toProblem(422, 'Unprocessable', JSON.stringify(problem('invalid-wav', 422, 'WAV has 8-bit samples')));
    expect(problemSlug(p.type)).toBe('invalid-wav');
    expect(p.detail).toBe('WAV has 8-bit samples');
    const html = toProblem(502, 'Bad Gateway', '<html>bad gateway</html>');
    expect(html).toMatchObject({ type: 'about:blank', status: 502, title: 'Bad Gateway', detail: '<html>bad gateway</html>' });
  });
});

describe('describeProblem', () => {
  it('explains a secret too large for its cover and keeps the server\'s numbers', () => {
    const detail =
      'the secret (3000 bytes) does not fit the cover: its 10000 samples carry at most 1201 bytes of payload (1 bit per sample, less 49 bytes of frame)';
    const text = describeProblem(problem('secret-too-large', 422, detail));
    expect(text).toMatch(/^The secret does not fit in this cover\. Choose a longer cover WAV, or a shorter secret\./);
    expect(text).toContain('at most 1201 bytes of payload');
  });

  it('tells a secret over the server\'s limit (413) apart from one too large for the cover (422)', () => {
    expect(describeProblem(problem('secret-too-large', 413, 'secret is 9 bytes; the limit is 8'))).toMatch(/larger than this server accepts/);
  });

  it('explains a WAV that is not 16-bit PCM', () => {
    const text = describeProblem(problem('invalid-wav', 422, 's3://intake/a.wav: WAV has 8-bit samples; only 16-bit PCM is supported'));
    expect(text).toMatch(/16-bit PCM WAV/);
    expect(text).toContain('WAV has 8-bit samples');
  });

  it('points at the API key field for 401', () => {
    expect(describeProblem(problem('unauthorized', 401, 'the API key is not valid'))).toMatch(/"API key" field/);
  });

  it('falls back to the status for unknown types', () => {
    expect(describeProblem({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: '' })).toBe(
      'The service is temporarily unavailable. Wait a moment, then try again.',
    );
    expect(describeProblem({ type: 'https://inferencia.io/problems/new-thing', title: 'x', status: 500, detail: 'boom' })).toMatch(
      /^The server ran into a problem.*\(Server said: boom\)$/,
    );
  });
});

describe('describeJobFailure', () => {
  it('reads a decode without payload as no hidden message, asking to check the key', () => {
    const text = describeJobFailure('no payload found: the file carries none, or it was encoded with another key');
    expect(text).toMatch(
      /^No hidden message was found in this file\. It may carry none, or it was encoded with a different key: check the key and try again\./,
    );
  });

  it('recognises damaged payloads, bad images and retries given up', () => {
    expect(describeJobFailure('the payload is corrupted: its CRC-32 does not match')).toMatch(/damaged/);
    expect(describeJobFailure('image data is not a supported format (PNG or JPEG expected)')).toMatch(/PNG and JPEG/);
    expect(describeJobFailure('worker lost (gave up after 3 attempts)')).toMatch(/given up/);
    expect(describeJobFailure(null, 'CANCELLED')).toMatch(/cancelled/);
  });
});

describe('describeError', () => {
  it('dispatches on the error kind', () => {
    expect(describeError(new ApiError(problem('no-payload', 422, 'too few samples')))).toMatch(/^No hidden message/);
    expect(describeError(new JobEndedError('FAILED', 'no payload found: x', 'stego.decode'))).toMatch(/^No hidden message/);
  });

  it('says an upload stopped for lost storage, and why when storage refused', () => {
    expect(uploadStoppedLine(new StorageError(0, 'net', 3))).toBe(
      'Upload stopped: storage could not be reached. Check your connection, then press Resume.',
    );
    expect(uploadStoppedLine(new StorageError(403, 'forbidden', 3))).toMatch(/refused part 3 \(HTTP 403\)/);
  });
});
