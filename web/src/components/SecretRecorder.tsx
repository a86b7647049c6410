// Records a spoken secret: Record / Stop, then the WAV that will be uploaded, its length and SHA-256
// (compare it with the decode view's hash of what comes back).

import { useEffect, useRef, useState } from 'react';
import { Recorder, recordingToSecret, type RecordedSecret } from '../audio/recorder';
import { formatBytes, formatSeconds } from '../util/format';

export function SecretRecorder({
  secret,
  onSecret,
  onError,
}: {
  secret: RecordedSecret | null;
  onSecret: (s: RecordedSecret | null) => void;
  onError: (message: string) => void;
}) {
  const recorder = useRef<Recorder | null>(null);
  const [recording, setRecording] = useState(false);
  const [working, setWorking] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const [url, setUrl] = useState<string | null>(null);

  // The microphone is released if the view goes away mid-recording.
  useEffect(() => () => recorder.current?.release(), []);

  useEffect(() => {
    if (!recording) return;
    const started = Date.now();
    const t = setInterval(() => setElapsed((Date.now() - started) / 1000), 200);
    return () => clearInterval(t);
  }, [recording]);

  // A playable URL for the WAV, revoked when it changes.
  useEffect(() => {
    if (!secret) return setUrl(null);
    const u = URL.createObjectURL(new Blob([secret.wav as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [secret]);

  const start = async () => {
    if (!Recorder.supported()) {
      onError('This browser cannot record here: recording needs a microphone and a secure page (https or localhost). Type the secret instead.');
      return;
    }
    const r = new Recorder();
    try {
      await r.start();
    } catch (e) {
      const denied = e instanceof DOMException && (e.name === 'NotAllowedError' || e.name === 'SecurityError');
      onError(
        denied
          ? 'The browser did not allow the microphone. Allow it for this page (the icon in the address bar), then press Record again.'
          : `The microphone could not be opened (${e instanceof Error ? e.message : String(e)}). Check that one is connected, then try again.`,
      );
      return;
    }
    recorder.current = r;
    onSecret(null);
    setElapsed(0);
    setRecording(true);
  };

  const stop = async () => {
    const r = recorder.current;
    if (!r) return;
    recorder.current = null;
    setRecording(false);
    setWorking(true);
    try {
      onSecret(await recordingToSecret(await r.stop()));
    } catch (e) {
      onError(`The recording could not be turned into a WAV (${e instanceof Error ? e.message : String(e)}). Record it again.`);
    } finally {
      setWorking(false);
    }
  };

  return (
    <div className="recorder">
      <div className="button-row">
        <button type="button" data-testid="record-start" onClick={() => void start()} disabled={recording || working}>
          ● Record
        </button>
        <button type="button" data-testid="record-stop" onClick={() => void stop()} disabled={!recording}>
          ■ Stop
        </button>
        {recording && <span className="recording">Recording… {formatSeconds(elapsed)}</span>}
        {working && <span className="muted">Preparing the WAV…</span>}
      </div>
      {secret && url && (
        <div className="recorded">
          <audio data-testid="recorded-audio" controls src={url} />
          <dl className="facts">
            <dt>Duration</dt>
            <dd data-testid="recorded-duration">{formatSeconds(secret.seconds)}</dd>
            <dt>Size</dt>
            <dd>
              {formatBytes(secret.wav.length)} (16-bit PCM, mono, {secret.sampleRate} Hz)
            </dd>
            <dt>SHA-256</dt>
            <dd data-testid="recorded-sha256" className="mono">
              {secret.sha256}
            </dd>
          </dl>
        </div>
      )}
    </div>
  );
}
