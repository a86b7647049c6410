// Hash routes: the node serves the page only at '/', so views live in the fragment.

import type { ViewName } from './flow/pending';

export const ROUTES: { view: ViewName; label: string }[] = [
  { view: 'encode', label: 'Encode' },
  { view: 'decode', label: 'Decode' },
  { view: 'ocr', label: 'OCR' },
  { view: 'vad', label: 'VAD' },
];

/** The view of a location hash; encode for an empty or unknown one. */
export function routeOf(hash: string): ViewName {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0].toLowerCase();
  return ROUTES.find((r) => r.view === name)?.view ?? 'encode';
}
