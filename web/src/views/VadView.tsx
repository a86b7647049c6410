// VAD: upload a 16-bit PCM WAV, run the vad task, then show where speech is: shaded on the
// waveform (decoded here in the browser) and listed as time ranges.

import { useState } from 'react';
import { checkWavFile, wavRefusal } from '../audio/coverCheck';
import { FilePicker } from '../components/FilePicker';
import { FlowPanels } from '../components/FlowPanels';
import { Waveform } from '../components/Waveform';
import type { PendingJob } from '../flow/pending';
import { useFlow } from '../flow/useFlow';
import { formatSeconds, formatSegment } from '../util/format';
import { vadFlow } from './flows';

export function VadView() {
  const state = useFlow(vadFlow);
  const [file, setFile] = useState<File | null>(null);

  const start = async () => {
    if (!vadFlow.begin()) return;
    if (!file) return vadFlow.fail('Choose a WAV file first.');
    const c = await checkWavFile(file);
    if (!c.ok) return vadFlow.fail(wavRefusal(file.name, c.reason));
    const job: PendingJob = {
      view: 'vad',
      task: 'vad',
      params: {},
      files: [{ role: 'input', name: file.name, contentType: 'audio/wav', blob: file }],
      createdAt: Date.now(),
    };
    await vadFlow.start(job);
  };

  const result = state.result;
  return (
    <main className="view">
      <h2>Find the speech in a recording</h2>
      <p className="lead">Voice activity detection marks the stretches where someone speaks.</p>
      <FilePicker
        label="Recording (16-bit PCM WAV)"
        accept=".wav,audio/wav"
        testId="vad-file"
        file={file}
        onChange={(f) => {
          setFile(f);
          vadFlow.clearError();
        }}
      />
      <div className="button-row">
        <button type="button" className="primary" data-testid="vad-start" disabled={state.busy} onClick={() => void start()}>
          Find speech
        </button>
      </div>
      <FlowPanels state={state} controller={vadFlow} />
      {result && (
        <div className="result">
          <div className="canvas-box">
            <Waveform peaks={result.peaks} segments={result.vad.segments} durationMs={result.vad.durationMs} />
          </div>
          {!result.peaks && <div className="muted small">This browser could not decode the file, so only the speech segments are drawn.</div>}
          <h3>
            {result.vad.segments.length === 0
              ? `No speech was found in ${formatSeconds(result.vad.durationMs / 1000)} of audio.`
              : `${result.vad.segments.length} speech segments in ${formatSeconds(result.vad.durationMs / 1000)}`}
          </h3>
          <ol data-testid="vad-segments" className="segments">
            {result.vad.segments.map((s, i) => (
              <li key={i}>{formatSegment(s.startMs, s.endMs)}</li>
            ))}
          </ol>
        </div>
      )}
    </main>
  );
}
