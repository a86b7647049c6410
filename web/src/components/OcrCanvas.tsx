// Draws the OCR'd image scaled to fit, with each line's box (original-image pixels) over it and the
// line's text on a label at the box's top-left corner (below the box when there is no room above).

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
        for (const line of lines) if (line.box.length >= 3) drawLabel(ctx, line, scale, h);
      })
      .catch(() => undefined); // an image the browser cannot draw: the text list is still shown
    return () => {
      cancelled = true;
      bitmap?.close();
    };
  }, [image, lines]);

  return <canvas ref={canvas} data-testid="ocr-canvas" className="ocr-canvas" />;
}

const LABEL_FONT = 13;

/** The line's text on a dark label, so it reads over any image. */
function drawLabel(ctx: CanvasRenderingContext2D, line: OcrLine, scale: number, canvasHeight: number) {
  const xs = line.box.map(([x]) => x * scale);
  const ys = line.box.map(([, y]) => y * scale);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  const bottom = Math.max(...ys);
  ctx.font = `${LABEL_FONT}px system-ui, sans-serif`;
  const width = ctx.measureText(line.text).width + 8;
  const height = LABEL_FONT + 6;
  const y = top - height - 2 >= 0 ? top - height - 2 : Math.min(bottom + 2, canvasHeight - height);
  ctx.fillStyle = 'rgba(20, 24, 31, 0.85)';
  ctx.fillRect(left, y, width, height);
  ctx.fillStyle = '#ffffff';
  ctx.textBaseline = 'top';
  ctx.fillText(line.text, left + 4, y + 3);
}
