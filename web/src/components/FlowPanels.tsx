// What every view shows of its job, in order: resume offer, upload, job, error.

import type { FlowController, FlowState } from '../flow/controller';
import { ErrorBox } from './ErrorBox';
import { JobPanel } from './JobPanel';
import { ResumeBar } from './ResumeBar';
import { UploadPanel } from './UploadPanel';

export function FlowPanels<R>({ state, controller }: { state: FlowState<R>; controller: FlowController<R> }) {
  return (
    <section className="flow" aria-live="polite">
      {!state.busy && (
        <ResumeBar label={state.resumeLabel} onResume={() => void controller.resume()} onDiscard={() => void controller.discard()} />
      )}
      <UploadPanel upload={state.upload} />
      <JobPanel job={state.job} />
      <ErrorBox message={state.error} />
    </section>
  );
}
