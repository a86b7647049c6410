// How many secret bytes a cover can carry: the same arithmetic as the server's StegoLayout, so a
// secret that cannot fit is refused before uploading. One bit per 16-bit sample; a 24-byte frame
// header (192 bits) comes first, then the secret's content type, then the payload.

export const HEADER_BITS = 192;
export const MAX_TEXT_BYTES = 4096;
/** The content type a typed secret is stored with (its length counts against the capacity). */
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
export const WAV_CONTENT_TYPE = 'audio/wav';

export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** floor((dataBytes/2 - 192)/8) - contentTypeBytes, never below 0. */
export function payloadCapacity(dataBytes: number, contentTypeBytes: number): number {
  const samples = Math.floor(dataBytes / 2);
  if (samples < HEADER_BITS) return 0;
  return Math.max(0, Math.floor((samples - HEADER_BITS) / 8) - contentTypeBytes);
}

export function textCapacity(dataBytes: number): number {
  return payloadCapacity(dataBytes, utf8Length(TEXT_CONTENT_TYPE));
}

export function wavSecretCapacity(dataBytes: number): number {
  return payloadCapacity(dataBytes, utf8Length(WAV_CONTENT_TYPE));
}

/** A sentence saying why a secret does not fit, or null when it does. */
export function fitProblem(secretBytes: number, capacity: number): string | null {
  if (capacity <= 0) return 'This cover is too short to carry any secret. Choose a longer WAV file.';
  if (secretBytes > capacity)
    return `The secret (${secretBytes} bytes) does not fit this cover: it carries at most ${capacity} bytes. Choose a longer cover or a shorter secret.`;
  return null;
}
