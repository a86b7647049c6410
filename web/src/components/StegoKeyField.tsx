// The stego key, shared by encode and decode through sessionStorage.

import { useId, useState } from 'react';
import { STEGO_KEY_ITEM, readSetting, writeSetting } from '../settings';

export function useStegoKey(): [string, (v: string) => void] {
  const [key, setKey] = useState(() => readSetting(STEGO_KEY_ITEM));
  return [
    key,
    (v: string) => {
      setKey(v);
      writeSetting(STEGO_KEY_ITEM, v);
    },
  ];
}

export function StegoKeyField({ value, onChange, disabled }: { value: string; onChange: (v: string) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Key (optional)</label>
      <input
        id={id}
        type="text"
        autoComplete="off"
        spellCheck={false}
        data-testid="stego-key"
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
      <div className="muted small">
        The key decides where the secret's bits go. Without one, the deployment's own key is used. Decode with the same key that encoded.
      </div>
    </div>
  );
}
