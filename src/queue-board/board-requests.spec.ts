import { boardRequestKind, isSameOrigin, isSessionId, readCookie, safeNext, wantsHtml } from './board-requests.js';

describe('queue board requests', () => {
  it('read one cookie out of a Cookie header', () => {
    expect(readCookie('a=1; sb_queue_board=abc; b=2', 'sb_queue_board')).toBe('abc');
    expect(readCookie('xsb_queue_board=abc', 'sb_queue_board')).toBeUndefined();
    expect(readCookie(undefined, 'sb_queue_board')).toBeUndefined();
    expect(readCookie('sb_queue_board=', 'sb_queue_board')).toBe('');
  });

  it('know a session id by its shape', () => {
    expect(isSessionId('A'.repeat(43))).toBe(true);
    expect(isSessionId('A'.repeat(42))).toBe(false);
    expect(isSessionId(`${'A'.repeat(42)}=`)).toBe(false);
    expect(isSessionId(undefined)).toBe(false);
  });

  it('accept a write only from an allowed origin, by Origin or else Referer; neither header is refused', () => {
    const allowed = ['http://127.0.0.1:3000', 'https://office.example'];
    expect(isSameOrigin({ origin: 'http://127.0.0.1:3000' }, allowed)).toBe(true);
    expect(isSameOrigin({ origin: 'https://office.example' }, allowed)).toBe(true);
    expect(isSameOrigin({ origin: 'https://evil.example' }, allowed)).toBe(false);
    expect(isSameOrigin({ origin: 'null' }, allowed)).toBe(false);
    // Origin wins over a Referer that would pass
    expect(isSameOrigin({ origin: 'https://evil.example', referer: 'https://office.example/admin/login' }, allowed)).toBe(false);
    expect(isSameOrigin({ referer: 'https://office.example/admin/login' }, allowed)).toBe(true);
    expect(isSameOrigin({ referer: 'https://office.example.evil.example/' }, allowed)).toBe(false);
    expect(isSameOrigin({}, allowed)).toBe(false);
  });

  it('send a login back only to a page of the board', () => {
    const board = '/admin/queues';
    expect(safeNext('/admin/queues/queue/billing', board)).toBe('/admin/queues/queue/billing');
    expect(safeNext('/admin/queues', board)).toBe('/admin/queues');
    for (const bad of ['https://evil.example/', '//evil.example', '/admin/queuesx', '/admin/queues//evil', '/admin/queues/../users', '/admin/queues/\\x', 'x', 7, undefined]) {
      expect(safeNext(bad, board)).toBe(board);
    }
  });

  it('tell pages from the API and assets', () => {
    expect(boardRequestKind('GET', '/')).toBe('page');
    expect(boardRequestKind('GET', '/queue/billing')).toBe('page');
    expect(boardRequestKind('GET', '/api/queues')).toBe('api');
    expect(boardRequestKind('PUT', '/api/queues/billing/retry/failed')).toBe('api');
    expect(boardRequestKind('GET', '/static/js/main.js')).toBe('asset');
    expect(boardRequestKind('POST', '/')).toBe('api');
  });

  it('know a browser navigating from a script', () => {
    expect(wantsHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(wantsHtml('application/json')).toBe(false);
    expect(wantsHtml('*/*')).toBe(false);
    expect(wantsHtml(undefined)).toBe(false);
  });
});
