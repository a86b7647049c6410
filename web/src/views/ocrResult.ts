// The OCR result document, read defensively: result is a list of lines, each with its text, its
// confidence and its box as four [x, y] corners in the original image's pixels (OcrPipeline.LineJson).

export interface OcrLine {
  text: string;
  confidence: number;
  /** Corners clockwise from top-left, in original-image pixels. */
  box: [number, number][];
}

function corners(box: unknown): [number, number][] {
  const points = Array.isArray(box) ? box : (box as { points?: unknown } | null)?.points;
  if (!Array.isArray(points)) return [];
  const out: [number, number][] = [];
  for (const p of points) {
    if (Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number') out.push([p[0], p[1]]);
    else if (p && typeof p === 'object' && typeof (p as { x?: unknown }).x === 'number')
      out.push([(p as { x: number }).x, (p as { y: number }).y]);
  }
  return out;
}

export function parseOcrLines(doc: unknown): OcrLine[] {
  let result = (doc as { result?: unknown } | null)?.result;
  if (typeof result === 'string') result = JSON.parse(result); // tolerate a result kept as JSON text
  if (!Array.isArray(result)) throw new Error('the OCR result has no list of lines');
  return result.map((l) => {
    const line = (l ?? {}) as { text?: unknown; confidence?: unknown; box?: unknown };
    return {
      text: typeof line.text === 'string' ? line.text : '',
      confidence: typeof line.confidence === 'number' ? line.confidence : 0,
      box: corners(line.box),
    };
  });
}

/** The scale that fits an image into maxWidth x maxHeight without enlarging it. */
export function fitScale(width: number, height: number, maxWidth: number, maxHeight: number): number {
  if (width <= 0 || height <= 0) return 1;
  return Math.min(1, maxWidth / width, maxHeight / height);
}
