// The job's status word and progress (from the job's Progress events).

import type { JobView } from '../flow/controller';

export function JobPanel({ job }: { job: JobView | null }) {
  if (!job) return null;
  return (
    <div className="panel job">
      <div className="panel-row">
        <span className="panel-label">Job</span>
        <progress data-testid="job-progress" aria-label="Job progress" max={1} value={job.fraction ?? 0} />
        <span data-testid="job-status" className={`status status-${job.status.toLowerCase()}`}>
          {job.status}
        </span>
      </div>
      {job.note && <div className="status-line muted">{job.note}</div>}
      <div className="muted small">Job {job.jobId}</div>
    </div>
  );
}
