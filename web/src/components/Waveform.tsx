// The waveform as min/max per pixel column, with the speech segments shaded over it.

import { useEffect, useRef } from 'react';
import { mergePeaks, msToX, type Peaks, type Segment } from '../views/vadResult';

const HEIGHT = 160;

export function Waveform({ peaks, segments, durationMs }: { peaks: Peaks | null; segments: Segment[]; durationMs: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const draw = () => {
      const ratio = window.devicePixelRatio || 1;
      const cssWidth = Math.max(200, c.parentElement?.clientWidth ?? 800);
      const width = Math.round(cssWidth * ratio);
      const height = Math.round(HEIGHT * ratio);
      c.width = width;
      c.height = height;
      c.style.width = `${cssWidth}px`;
      c.style.height = `${HEIGHT}px`;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      ctx.clearRect(0, 0, width, height);
      ctx.fillStyle = '#f4f6f8';
      ctx.fillRect(0, 0, width, height);
      // Speech first, so the waveform stays visible on top of it.
      ctx.fillStyle = 'rgba(46, 160, 67, 0.25)';
      for (const s of segments) {
        const x0 = msToX(s.startMs, durationMs, width);
        const x1 = msToX(s.endMs, durationMs, width);
        ctx.fillRect(x0, 0, Math.max(1, x1 - x0), height);
      }
      const mid = height / 2;
      ctx.strokeStyle = '#c9d1d9';
      ctx.beginPath();
      ctx.moveTo(0, mid);
      ctx.lineTo(width, mid);
      ctx.stroke();
      if (!peaks) return;
      const p = mergePeaks(peaks, width);
      const columns = p.min.length;
      ctx.fillStyle = '#1f4e79';
      for (let x = 0; x < width; x++) {
        const i = Math.min(columns - 1, Math.floor((x * columns) / width));
        const top = mid - p.max[i] * mid;
        const bottom = mid - p.min[i] * mid;
        ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
      }
    };
    draw();
    window.addEventListener('resize', draw);
    return () => window.removeEventListener('resize', draw);
  }, [peaks, segments, durationMs]);

  return <canvas ref={canvas} data-testid="vad-waveform" className="waveform" />;
}
