// A labelled file input that reports the chosen file (or null when cleared).

import { useId } from 'react';
import { formatBytes } from '../util/format';

export function FilePicker({
  label,
  accept,
  testId,
  file,
  onChange,
  disabled,
}: {
  label: string;
  accept?: string;
  testId: string;
  file: File | null;
  onChange: (file: File | null) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept={accept}
        data-testid={testId}
        disabled={disabled}
        onChange={(e) => onChange(e.target.files?.[0] ?? null)}
      />
      {file && (
        <div className="muted small">
          {file.name}, {formatBytes(file.size)}
        </div>
      )}
    </div>
  );
}
