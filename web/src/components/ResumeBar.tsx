// Offers to finish an upload left unfinished (by a reload or a lost connection), or to drop it.

export function ResumeBar({ label, onResume, onDiscard }: { label: string | null; onResume: () => void; onDiscard: () => void }) {
  if (!label) return null;
  return (
    <div className="resume">
      <span>An upload did not finish.</span>
      <button type="button" className="primary" data-testid="resume-upload" onClick={onResume}>
        {label}
      </button>
      <button type="button" data-testid="discard-upload" onClick={onDiscard}>
        Discard
      </button>
    </div>
  );
}
