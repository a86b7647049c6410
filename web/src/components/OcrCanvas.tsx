// Draws the OCR'd image scaled to fit, with each line's box (original-image pixels) over it.

import { useEffect, useRef } from 'react';
import { fitScale, type OcrLine } from '../views/ocrResult';

const MAX_WIDTH = 900;
const MAX_HEIGHT = 1200;

export function OcrCanvas({ image, lines }: { image: Blob; lines: OcrLine[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let cancelled = false;
    let bitmap: ImageBitmap | null = null;
    createImageBitmap(image)
      .then((b) => {
        bitmap = b;
        const c = canvas.current;
        if (cancelled || !c) return;
        const maxWidth = Math.min(MAX_WIDTH, c.parentElement?.clientWidth || MAX_WIDTH);
        const scale = fitScale(b.width, b.height, maxWidth, MAX_HEIGHT);
        const ratio = window.devicePixelRatio || 1;
        const w = Math.round(b.width * scale);
        const h = Math.round(b.height * scale);
        c.width = Math.round(w * ratio);
        c.height = Math.round(h * ratio);
        c.style.width = `${w}px`;
        c.style.height = `${h}px`;
        const ctx = c.getContext('2d');
        if (!ctx) return;
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.drawImage(b, 0, 0, w, h);
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#e4572e';
        ctx.fillStyle = 'rgba(228, 87, 46, 0.12)';
        for (const line of lines) {
          if (line.box.length < 3) continue;
          ctx.beginPath();
          line.box.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x * scale, y * scale) : ctx.lineTo(x * scale, y * scale)));
          ctx.closePath();
          ctx.fill();
          ctx.stroke();
        }
      })
      .catch(() => undefined); // an image the browser cannot draw: the text list is still shown
    return () => {
      cancelled = true;
      bitmap?.close();
    };
  }, [image, lines]);

  return <canvas ref={canvas} data-testid="ocr-canvas" className="ocr-canvas" />;
}
