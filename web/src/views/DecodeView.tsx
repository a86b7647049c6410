// Decode: upload an encoded WAV, run stego.decode with the same key, and show what comes back:
// text inline, a recording as a player with its SHA-256, anything else as a download.

import { useState } from 'react';
import { checkWavFile, wavRefusal } from '../audio/coverCheck';
import { FilePicker } from '../components/FilePicker';
import { FlowPanels } from '../components/FlowPanels';
import { StegoKeyField, useStegoKey } from '../components/StegoKeyField';
import type { PendingJob } from '../flow/pending';
import { useFlow } from '../flow/useFlow';
import { decodeFlow, type DecodeResult } from './flows';

function Recovered({ result }: { result: DecodeResult }) {
  switch (result.kind) {
    case 'text':
      return (
        <div className="result">
          <h3>The hidden text</h3>
          <pre data-testid="recovered-text" className="recovered-text">
            {result.text}
          </pre>
        </div>
      );
    case 'audio':
      return (
        <div className="result">
          <h3>The hidden recording</h3>
          <audio data-testid="recovered-audio" controls src={result.url} />
          <dl className="facts">
            <dt>SHA-256</dt>
            <dd data-testid="recovered-sha256" className="mono">
              {result.sha256}
            </dd>
          </dl>
        </div>
      );
    default:
      return (
        <div className="result">
          <h3>The hidden file</h3>
          <a data-testid="recovered-link" href={result.url} download={result.filename}>
            Download the hidden file ({result.type})
          </a>
        </div>
      );
  }
}

export function DecodeView() {
  const state = useFlow(decodeFlow);
  const [file, setFile] = useState<File | null>(null);
  const [key, setKey] = useStegoKey();

  const start = async () => {
    if (!decodeFlow.begin()) return;
    if (!file) return decodeFlow.fail('Choose the encoded WAV file first.');
    const c = await checkWavFile(file);
    if (!c.ok) return decodeFlow.fail(wavRefusal(file.name, c.reason));
    const job: PendingJob = {
      view: 'decode',
      task: 'stego.decode',
      params: key ? { key } : {},
      files: [{ role: 'input', name: file.name, contentType: 'audio/wav', blob: file }],
      createdAt: Date.now(),
    };
    await decodeFlow.start(job);
  };

  return (
    <main className="view">
      <h2>Recover a hidden secret</h2>
      <p className="lead">Choose a WAV made by Encode; use the key it was encoded with.</p>
      <FilePicker
        label="Encoded WAV"
        accept=".wav,audio/wav"
        testId="decode-file"
        file={file}
        onChange={(f) => {
          setFile(f);
          decodeFlow.clearError();
        }}
      />
      <StegoKeyField value={key} onChange={setKey} />
      <div className="button-row">
        <button type="button" className="primary" data-testid="decode-start" disabled={state.busy} onClick={() => void start()}>
          Decode
        </button>
      </div>
      <FlowPanels state={state} controller={decodeFlow} />
      {state.result && <Recovered result={state.result} />}
    </main>
  );
}
