import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('parses events with id, type and data', () => {
    const p = new SseParser();
    const events = p.feed('id: 1\nevent: Started\ndata: {"seq":1}\n\nid: 2\ndata: {"seq":2}\n\n');
    expect(events).toEqual([
      { id: '1', event: 'Started', data: '{"seq":1}' },
      { id: '2', event: 'message', data: '{"seq":2}' },
    ]);
    expect(p.lastEventId).toBe('2');
  });

  it('assembles an event split across chunks, even mid-line and mid-CRLF', () => {
    const p = new SseParser();
    expect(p.feed('id: 7\r\nda')).toEqual([]);
    expect(p.feed('ta: {"a":')).toEqual([]);
    expect(p.feed('1}\r')).toEqual([]);
    // the LF completing the CRLF is not a blank line; the CR after it is, and dispatches
    expect(p.feed('\n\r')).toEqual([{ id: '7', event: 'message', data: '{"a":1}' }]);
    // and the LF completing that CRLF is not another blank line either
    expect(p.feed('\n')).toEqual([]);
    expect(p.feed('data: x\n\n')).toEqual([{ id: '7', event: 'message', data: 'x' }]);
  });

  it('joins multi-line data with newlines and keeps the space after the first only', () => {
    const p = new SseParser();
    expect(p.feed('data: line one\ndata:line two\ndata:  indented\n\n')).toEqual([
      { id: '', event: 'message', data: 'line one\nline two\n indented' },
    ]);
  });

  it('ignores comments and does not dispatch events without data', () => {
    const p = new SseParser();
    expect(p.feed(': heartbeat\n\n:\n\nid: 9\n\nevent: Progress\n\n')).toEqual([]);
    expect(p.lastEventId).toBe('9'); // an id alone still moves Last-Event-ID
    expect(p.feed('data: after\n\n')).toEqual([{ id: '9', event: 'message', data: 'after' }]);
  });

  it('keeps the id sticky and handles fields without a colon', () => {
    const p = new SseParser();
    const events = p.feed('id: 3\ndata: a\n\ndata\n\n');
    expect(events).toEqual([
      { id: '3', event: 'message', data: 'a' },
      { id: '3', event: 'message', data: '' },
    ]);
  });

  it('ignores an id that contains NUL', () => {
    const p = new SseParser();
    p.feed('id: 4\n\nid: bad\u0000id\ndata: x\n\n');
    expect(p.lastEventId).toBe('4');
  });
});
