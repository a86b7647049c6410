// OCR: upload an image, run the ocr task, then show the lines found, boxed on the image and listed.

import { useState } from 'react';
import { FilePicker } from '../components/FilePicker';
import { FlowPanels } from '../components/FlowPanels';
import { OcrCanvas } from '../components/OcrCanvas';
import type { PendingJob } from '../flow/pending';
import { useFlow } from '../flow/useFlow';
import { uploadType } from '../util/contentType';
import { ocrFlow } from './flows';

/** Confidence as a percentage (the model gives 0..1). */
function confidence(c: number): string {
  return c <= 1 ? `${(c * 100).toFixed(1)}%` : c.toFixed(2);
}

export function OcrView() {
  const state = useFlow(ocrFlow);
  const [file, setFile] = useState<File | null>(null);

  const start = async () => {
    if (!ocrFlow.begin()) return;
    if (!file) return ocrFlow.fail('Choose an image first (PNG or JPEG).');
    if (file.type && !file.type.startsWith('image/'))
      return ocrFlow.fail(`${file.name} is not an image (${file.type}). Choose a PNG or JPEG image.`);
    const job: PendingJob = {
      view: 'ocr',
      task: 'ocr',
      params: {},
      files: [{ role: 'input', name: file.name, contentType: uploadType(file), blob: file }],
      createdAt: Date.now(),
    };
    await ocrFlow.start(job);
  };

  return (
    <main className="view">
      <h2>Read the text in an image</h2>
      <p className="lead">Each line found is boxed on the image and listed with the model's confidence.</p>
      <FilePicker
        label="Image"
        accept="image/*"
        testId="ocr-file"
        file={file}
        onChange={(f) => {
          setFile(f);
          ocrFlow.clearError();
        }}
      />
      <div className="button-row">
        <button type="button" className="primary" data-testid="ocr-start" disabled={state.busy} onClick={() => void start()}>
          Read text
        </button>
      </div>
      <FlowPanels state={state} controller={ocrFlow} />
      {state.result && (
        <div className="result ocr-result">
          <div className="canvas-box">
            <OcrCanvas image={state.result.image} lines={state.result.lines} />
          </div>
          <div>
            <h3>{state.result.lines.length === 0 ? 'No text was found in this image.' : `${state.result.lines.length} ${state.result.lines.length === 1 ? 'line' : 'lines'}`}</h3>
            <ol data-testid="ocr-text" className="ocr-lines">
              {state.result.lines.map((l, i) => (
                <li key={i}>
                  <span className="ocr-line-text">{l.text}</span> <span className="muted small">{confidence(l.confidence)}</span>
                </li>
              ))}
            </ol>
          </div>
        </div>
      )}
    </main>
  );
}
