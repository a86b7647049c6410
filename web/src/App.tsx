// The page: a header with the four views and the API key, and the view the hash names.

import { useEffect, useState } from 'react';
import { ApiKeyField } from './components/ApiKeyField';
import { ROUTES, routeOf } from './routes';
import { DecodeView } from './views/DecodeView';
import { EncodeView } from './views/EncodeView';
import { OcrView } from './views/OcrView';
import { VadView } from './views/VadView';
import { decodeFlow, encodeFlow, ocrFlow, vadFlow } from './views/flows';

function useRoute() {
  const [view, setView] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const onHash = () => setView(routeOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return view;
}

export function App() {
  const view = useRoute();

  // Every view looks for an upload left unfinished, so its resume offer is ready when it is opened.
  useEffect(() => {
    for (const c of [encodeFlow, decodeFlow, ocrFlow, vadFlow]) c.init();
  }, []);

  return (
    <>
      <header className="top">
        <div className="brand">Inferencia</div>
        <nav className="tabs" aria-label="Views">
          {ROUTES.map((r) => (
            <a key={r.view} href={`#/${r.view}`} className={r.view === view ? 'tab active' : 'tab'} aria-current={r.view === view ? 'page' : undefined}>
              {r.label}
            </a>
          ))}
        </nav>
        <ApiKeyField />
      </header>
      {view === 'encode' && <EncodeView />}
      {view === 'decode' && <DecodeView />}
      {view === 'ocr' && <OcrView />}
      {view === 'vad' && <VadView />}
    </>
  );
}
