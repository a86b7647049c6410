// Encode: hide a typed text or a recording in a cover WAV. The cover's header is checked here
// first (16-bit PCM, room for the secret); then the secret (if recorded) and the cover are uploaded,
// stego.encode is submitted and followed, and the encoded WAV is offered for download.

import { useId, useRef, useState } from 'react';
import { checkWavFile, wavRefusal, type WavCheck } from '../audio/coverCheck';
import { MAX_TEXT_BYTES, WAV_CONTENT_TYPE, fitProblem, textCapacity, utf8Length, wavSecretCapacity } from '../audio/capacity';
import type { RecordedSecret } from '../audio/recorder';
import { FilePicker } from '../components/FilePicker';
import { FlowPanels } from '../components/FlowPanels';
import { SecretRecorder } from '../components/SecretRecorder';
import { StegoKeyField, useStegoKey } from '../components/StegoKeyField';
import { useFlow } from '../flow/useFlow';
import type { PendingFile, PendingJob } from '../flow/pending';
import { formatCount, formatSeconds } from '../util/format';
import { encodeFlow } from './flows';

type Mode = 'text' | 'record';

function CoverInfo({ check }: { check: WavCheck | null }) {
  if (!check) return null;
  if (!check.ok) return <div className="muted small warn">Not usable: {check.reason}</div>;
  const h = check.header;
  return (
    <div className="muted small">
      16-bit PCM, {h.channels === 1 ? 'mono' : `${h.channels} channels`}, {h.sampleRate} Hz, {formatSeconds(check.seconds)}. It can carry up to{' '}
      {formatCount(textCapacity(h.dataBytes))} bytes of text, or a recording of up to {formatCount(wavSecretCapacity(h.dataBytes))} bytes.
    </div>
  );
}

export function EncodeView() {
  const state = useFlow(encodeFlow);
  const [mode, setMode] = useState<Mode>('text');
  const [text, setText] = useState('');
  const [recorded, setRecorded] = useState<RecordedSecret | null>(null);
  const [key, setKey] = useStegoKey();
  const [cover, setCover] = useState<File | null>(null);
  const [check, setCheck] = useState<WavCheck | null>(null);
  const textId = useId();
  const latestCover = useRef<File | null>(null);
  const textBytes = utf8Length(text);

  const pickCover = async (file: File | null) => {
    setCover(file);
    setCheck(null);
    latestCover.current = file;
    encodeFlow.clearError();
    if (!file) return;
    const c = await checkWavFile(file);
    if (latestCover.current === file) setCheck(c); // a cover picked meanwhile wins
  };

  /** The checks the server would make, done before any upload; a message when something is wrong. */
  const refusal = async (): Promise<string | null> => {
    if (mode === 'text' && !text) return 'Type the secret text first.';
    if (mode === 'text' && textBytes > MAX_TEXT_BYTES)
      return `The text is ${formatCount(textBytes)} bytes; at most ${formatCount(MAX_TEXT_BYTES)} bytes can be typed. Shorten it, or record the secret instead.`;
    if (mode === 'record' && !recorded) return 'Record the secret first: press Record, speak, then press Stop.';
    if (!cover) return 'Choose a cover WAV file to hide the secret in.';
    const c = check ?? (await checkWavFile(cover));
    if (!c.ok) return wavRefusal(cover.name, c.reason);
    return mode === 'text'
      ? fitProblem(textBytes, textCapacity(c.header.dataBytes))
      : fitProblem(recorded!.wav.length, wavSecretCapacity(c.header.dataBytes));
  };

  const start = async () => {
    if (!encodeFlow.begin()) return;
    const why = await refusal();
    if (why) return encodeFlow.fail(why);
    const files: PendingFile[] = [];
    const params: Record<string, string> = {};
    if (key) params.key = key;
    if (mode === 'text') params.secret_text = text;
    else
      files.push({
        role: 'secret',
        name: 'secret.wav',
        contentType: WAV_CONTENT_TYPE,
        blob: new Blob([recorded!.wav as Uint8Array<ArrayBuffer>], { type: WAV_CONTENT_TYPE }),
      });
    files.push({ role: 'input', name: cover!.name, contentType: WAV_CONTENT_TYPE, blob: cover! });
    const job: PendingJob = {
      view: 'encode',
      task: 'stego.encode',
      params,
      secretParam: mode === 'record' ? 'secret' : undefined,
      files,
      createdAt: Date.now(),
    };
    await encodeFlow.start(job);
  };

  return (
    <main className="view">
      <h2>Hide a secret in a WAV</h2>
      <p className="lead">The secret goes into the least significant bits of the cover's samples; the encoded file sounds the same.</p>

      <fieldset className="field">
        <legend>Secret</legend>
        <label className="radio">
          <input type="radio" name="secret-mode" data-testid="secret-mode-text" checked={mode === 'text'} onChange={() => setMode('text')} />
          Typed text
        </label>
        <label className="radio">
          <input type="radio" name="secret-mode" data-testid="secret-mode-record" checked={mode === 'record'} onChange={() => setMode('record')} />
          Recording from the microphone
        </label>
      </fieldset>

      {mode === 'text' ? (
        <div className="field">
          <label htmlFor={textId}>Secret text</label>
          <textarea id={textId} data-testid="secret-text" rows={5} value={text} onChange={(e) => setText(e.target.value)} />
          <div className={`small ${textBytes > MAX_TEXT_BYTES ? 'warn' : 'muted'}`} aria-live="polite">
            {formatCount(textBytes)} / {formatCount(MAX_TEXT_BYTES)} bytes (UTF-8)
          </div>
        </div>
      ) : (
        <SecretRecorder secret={recorded} onSecret={setRecorded} onError={(m) => encodeFlow.fail(m)} />
      )}

      <StegoKeyField value={key} onChange={setKey} />
      <FilePicker label="Cover (16-bit PCM WAV)" accept=".wav,audio/wav" testId="cover-file" file={cover} onChange={(f) => void pickCover(f)} />
      <CoverInfo check={check} />

      <div className="button-row">
        <button type="button" className="primary" data-testid="encode-start" disabled={state.busy} onClick={() => void start()}>
          Encode
        </button>
      </div>

      <FlowPanels state={state} controller={encodeFlow} />

      {state.result && (
        <p className="result">
          <a data-testid="result-link" href={state.result.url} download>
            Download the encoded WAV
          </a>
        </p>
      )}
    </main>
  );
}
