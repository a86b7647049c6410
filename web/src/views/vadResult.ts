// The VAD result document and the waveform's reduction to min/max per pixel column.

export interface Segment {
  startMs: number;
  endMs: number;
}

export interface VadResult {
  durationMs: number;
  segments: Segment[];
}

export function parseVad(doc: unknown): VadResult {
  const r = (doc as { result?: unknown } | null)?.result as { durationMs?: unknown; segments?: unknown } | undefined;
  if (!r || !Array.isArray(r.segments)) throw new Error('the VAD result has no list of segments');
  const segments = r.segments
    .map((s) => {
      const o = (s ?? {}) as Record<string, unknown>;
      return { startMs: Number(o.start_ms ?? o.startMs), endMs: Number(o.end_ms ?? o.endMs) };
    })
    .filter((s) => Number.isFinite(s.startMs) && Number.isFinite(s.endMs));
  const durationMs = typeof r.durationMs === 'number' ? r.durationMs : Math.max(0, ...segments.map((s) => s.endMs));
  return { durationMs, segments };
}

export interface Peaks {
  min: Float32Array;
  max: Float32Array;
}

/** Min and max of the samples falling in each of `columns` equal spans. */
export function peaks(samples: Float32Array, columns: number): Peaks {
  const min = new Float32Array(columns);
  const max = new Float32Array(columns);
  const n = samples.length;
  for (let c = 0; c < columns; c++) {
    const a = Math.floor((c * n) / columns);
    const b = Math.max(a + 1, Math.floor(((c + 1) * n) / columns));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b && i < n; i++) {
      const v = samples[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[c] = lo === Infinity ? 0 : lo;
    max[c] = hi === -Infinity ? 0 : hi;
  }
  return { min, max };
}

/** Reduces finer peaks to `columns` (a canvas's width), keeping each column's extremes. */
export function mergePeaks(p: Peaks, columns: number): Peaks {
  const n = p.min.length;
  if (columns >= n) return p;
  const min = new Float32Array(columns);
  const max = new Float32Array(columns);
  for (let c = 0; c < columns; c++) {
    const a = Math.floor((c * n) / columns);
    const b = Math.max(a + 1, Math.floor(((c + 1) * n) / columns));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b; i++) {
      lo = Math.min(lo, p.min[i]);
      hi = Math.max(hi, p.max[i]);
    }
    min[c] = lo;
    max[c] = hi;
  }
  return { min, max };
}

/** The x of a time on a canvas of `width` pixels showing `durationMs`. */
export function msToX(ms: number, durationMs: number, width: number): number {
  if (durationMs <= 0) return 0;
  return Math.max(0, Math.min(width, (ms / durationMs) * width));
}
