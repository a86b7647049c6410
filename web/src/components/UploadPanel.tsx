// Upload progress: bytes sent as a bar, and a line naming the file and part (or why it stopped).

import type { UploadView } from '../flow/controller';
import { formatBytes } from '../util/format';

export function UploadPanel({ upload }: { upload: UploadView | null }) {
  if (!upload) return null;
  return (
    <div className={`panel upload${upload.stopped ? ' stopped' : ''}`}>
      <div className="panel-row">
        <span className="panel-label">Upload</span>
        <progress data-testid="upload-progress" aria-label="Upload progress" max={upload.bytesTotal || 1} value={upload.bytesSent} />
        <span className="muted small">
          {formatBytes(upload.bytesSent)} of {formatBytes(upload.bytesTotal)}
        </span>
      </div>
      <div data-testid="upload-status" className="status-line">
        {upload.line}
      </div>
    </div>
  );
}
