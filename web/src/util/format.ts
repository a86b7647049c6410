// Number formatting for people: sizes, durations, VAD segments.

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

/** Seconds with two decimals: "1.52 s". */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

/** A speech segment as "1.52 s – 4.60 s". */
export function formatSegment(startMs: number, endMs: number): string {
  return `${formatSeconds(startMs / 1000)} – ${formatSeconds(endMs / 1000)}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
