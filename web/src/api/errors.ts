// The error kinds the page distinguishes: a problem+json from the API, the API unreachable, storage
// (a different origin) failing a PUT or GET, and a job that ended FAILED or CANCELLED.

/** RFC 9457 problem details, as the API sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

export const PROBLEM_BASE = 'https://inferencia.io/problems/';

/** The stable part of a problem type ("secret-too-large"), whatever prefix the URI has. */
export function problemSlug(type: string): string {
  const t = type.startsWith(PROBLEM_BASE) ? type.slice(PROBLEM_BASE.length) : type;
  return t.slice(t.lastIndexOf('/') + 1);
}

/** A problem from a response body: problem+json when it parses, else one made from the status and text. */
export function toProblem(status: number, statusText: string, body: string): Problem {
  try {
    const j = JSON.parse(body) as Partial<Problem>;
    if (j && typeof j === 'object' && (typeof j.detail === 'string' || typeof j.title === 'string'))
      return {
        type: typeof j.type === 'string' ? j.type : 'about:blank',
        title: typeof j.title === 'string' ? j.title : statusText,
        status: typeof j.status === 'number' ? j.status : status,
        detail: typeof j.detail === 'string' ? j.detail : '',
        instance: typeof j.instance === 'string' ? j.instance : undefined,
      };
  } catch {
    // not JSON: a proxy's page or plain text
  }
  return { type: 'about:blank', title: statusText, status, detail: body.trim().slice(0, 300) };
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = 'ApiError';
  }
}

/** The API itself could not be reached (no answer at all). */
export class NetworkError extends Error {
  constructor(message = 'the server could not be reached') {
    super(message);
    this.name = 'NetworkError';
  }
}

/** Object storage failed: status 0 when it could not be reached, else its HTTP status. */
export class StorageError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly part?: number,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** Storage accepted a part but its ETag was not readable (CORS does not expose it). */
export class MissingEtagError extends Error {
  constructor(readonly part: number) {
    super(`storage returned no ETag for part ${part}`);
    this.name = 'MissingEtagError';
  }
}

/** The result could not be fetched from storage after the job succeeded. */
export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** A job that ended without success; reason is the job's error. */
export class JobEndedError extends Error {
  constructor(
    readonly status: 'FAILED' | 'CANCELLED',
    readonly reason: string | null,
    readonly task: string,
  ) {
    super(reason ?? status);
    this.name = 'JobEndedError';
  }
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
