// The API key, kept for the tab's session and sent as a Bearer token when set.

import { useState } from 'react';
import { API_KEY_ITEM, readSetting, writeSetting } from '../settings';

export function ApiKeyField() {
  const [key, setKey] = useState(() => readSetting(API_KEY_ITEM));
  return (
    <label className="api-key">
      <span>API key</span>
      <input
        type="password"
        data-testid="api-key"
        autoComplete="off"
        placeholder="only if the server needs one"
        value={key}
        onChange={(e) => {
          setKey(e.target.value);
          writeSetting(API_KEY_ITEM, e.target.value);
        }}
      />
    </label>
  );
}
