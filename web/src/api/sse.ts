// A Server-Sent Events parser fed with decoded text as it arrives. EventSource cannot send an
// Authorization header, so the page reads the stream with fetch and parses it here (the WHATWG
// event-stream rules: lines end in CRLF, LF or CR; blank line dispatches; ':' starts a comment).

export interface SseEvent {
  /** The last event id seen (sticky across events, as the spec says). */
  id: string;
  /** The event type, 'message' when none was given. */
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastId = '';
  /** A CR ended the previous chunk: a LF at the start of the next one belongs to it. */
  private pendingCr = false;

  /** The id to send as Last-Event-ID when reconnecting. */
  get lastEventId(): string {
    return this.lastId;
  }

  /** Consumes text; returns the events completed by it. */
  feed(text: string): SseEvent[] {
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
      const ev = this.line(line);
      if (ev) events.push(ev);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null; // comment (heartbeats)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default: // 'retry' and unknown fields: the page manages its own reconnects
        break;
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    const data = this.data;
    const type = this.eventType;
    this.data = [];
    this.eventType = '';
    if (data.length === 0) return null;
    return { id: this.lastId, event: type || 'message', data: data.join('\n') };
  }
}
