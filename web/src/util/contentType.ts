// What to do with a recovered secret, from its Content-Type: show text, play audio, or offer a file.

export type SecretKind = 'text' | 'audio' | 'file';

export function mediaType(contentType: string | null): string {
  return (contentType ?? 'application/octet-stream').split(';')[0].trim().toLowerCase() || 'application/octet-stream';
}

export function secretKind(contentType: string | null): SecretKind {
  const t = mediaType(contentType);
  if (t.startsWith('text/')) return 'text';
  if (t.startsWith('audio/')) return 'audio';
  return 'file';
}

/** The charset parameter, utf-8 when absent (what the encoder stores for typed text). */
export function charsetOf(contentType: string | null): string {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1].toLowerCase() : 'utf-8';
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'application/json': '.json',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'audio/wav': '.wav',
  'text/plain': '.txt',
};

/** A file name for the download link: "secret" plus an extension known for the type. */
export function downloadName(contentType: string | null): string {
  return `secret${EXTENSIONS[mediaType(contentType)] ?? '.bin'}`;
}

/** The media type to declare for an upload: the browser's guess, else one from the extension. */
export function uploadType(file: { name: string; type: string }): string {
  if (/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(file.type)) return file.type;
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  const byExt: Record<string, string> = { wav: 'audio/wav', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', bmp: 'image/bmp' };
  return byExt[ext] ?? 'application/octet-stream';
}
