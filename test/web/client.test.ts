import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { ApiError, apiErrorFrom, createClient, type KeyValueStore } from '../../web/src/api/client.ts';
import { deptFromPath } from '../../web/src/dept.ts';
import { startTestPlatform, TEST_PASSWORD } from '../support/platform.ts';

/** Node's fetch keeps no cookies; this jar plays the browser's part for the session cookie. */
function cookieFetch(): typeof fetch {
  const jar = new Map<string, string>();
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(input, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const [k, v] = kv.split('=');
      if (v) jar.set(k, v);
      else jar.delete(k);
    }
    return res;
  };
}

const memoryStore = (): KeyValueStore & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
};

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${e}`);
    return e;
  }
  assert.fail('expected the request to throw');
}

describe('portal request client', () => {
  let p: Platform;
  let baseUrl: string;

  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'tax', 'hrss', 'housing'] });
    const server = await p.listen(0);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => p.stop());

  test('a 401 throws with the server code and message, never returns undefined', async () => {
    const c = createClient({ baseUrl });
    const e = await rejection(c.post('/market/api/auth/login', { user: 'approver1', password: 'wrong-password' }));
    assert.equal(e.status, 401);
    assert.equal(e.code, 'BAD_CREDENTIALS');
    assert.match(e.message, /wrong user id or password/);
  });

  test('a 400 from validation carries the field the server complained about', async () => {
    const e = await rejection(createClient({ baseUrl }).post('/market/api/auth/login', { user: '' }));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'BAD_REQUEST');
    assert.match(e.message, /user|password/);
  });

  test('404 and 403 come through as ApiErrors too', async () => {
    const c = createClient({ baseUrl, fetch: cookieFetch() });
    assert.equal((await rejection(c.get('/market/api/nothing-here'))).code, 'NOT_FOUND');
    await c.post('/market/api/auth/login', { user: 'approver1', password: TEST_PASSWORD });
    const e = await rejection(c.get('/market/api/blocks/99999'));
    assert.equal(e.status, 404);
    assert.match(e.message, /no block 99999/);
  });

  test('signs in, keeps the CSRF token, sends it on POST; without it the server refuses', async () => {
    const store = memoryStore();
    const jar = cookieFetch();
    const c = createClient({ baseUrl, fetch: jar, store, storeKey: 'csrf.market' });
    const r = await c.post<{ user: { id: string; role: string }; csrfToken: string }>('/market/api/auth/login', { user: 'approver1', password: TEST_PASSWORD });
    assert.equal(r.user.role, 'approver');
    c.setCsrfToken(r.csrfToken);
    assert.equal(store.map.get('csrf.market'), r.csrfToken, 'kept for a page reload');
    assert.equal((await c.get<{ user: { id: string } }>('/market/api/auth/me')).user.id, 'approver1');

    // A second client with the same cookie but no token: what a forged cross-site form would be.
    const forged = createClient({ baseUrl, fetch: jar });
    const e = await rejection(forged.post('/market/api/admin/proposals', {}));
    assert.equal(e.status, 403);
    assert.equal(e.code, 'CSRF');

    // A reloaded page picks the token up from storage.
    const reloaded = createClient({ baseUrl, fetch: jar, store, storeKey: 'csrf.market' });
    assert.equal(reloaded.csrfToken, r.csrfToken);
    await reloaded.post('/market/api/auth/logout');
    reloaded.setCsrfToken(null);
    assert.equal(store.map.has('csrf.market'), false);
    assert.equal((await rejection(c.get('/market/api/auth/me'))).code, 'UNAUTHENTICATED');
  });

  test('a second tab takes the token from /auth/me; a token made stale by a new sign-in is refreshed once', async () => {
    const jar = cookieFetch();
    const first = createClient({ baseUrl, fetch: jar });
    first.setCsrfToken((await first.post<{ csrfToken: string }>('/market/api/auth/login', { user: 'admin', password: TEST_PASSWORD })).csrfToken);

    const second = createClient({ baseUrl, fetch: jar });
    const me = await second.get<{ csrfToken: string }>('/market/api/auth/me');
    assert.equal(me.csrfToken, first.csrfToken);
    second.setCsrfToken(me.csrfToken);
    const propose = { type: 'member.remove', params: { dept: 'housing' }, note: 'two tabs' };
    await second.post('/market/api/admin/proposals', propose);

    // The second tab signs in again: the first tab's token belongs to a session that is gone.
    second.setCsrfToken((await second.post<{ csrfToken: string }>('/market/api/auth/login', { user: 'admin', password: TEST_PASSWORD })).csrfToken);
    assert.equal((await rejection(first.post('/market/api/admin/proposals', propose))).code, 'CSRF');
    let asked = 0;
    first.onCsrfRefused(async () => (asked++, (await first.get<{ csrfToken: string }>('/market/api/auth/me')).csrfToken));
    await first.post('/market/api/admin/proposals', propose);
    assert.equal(asked, 1);
    assert.equal(first.csrfToken, second.csrfToken);
    await first.post('/market/api/auth/logout');
  });

  test('tells the app when the session is gone, then still throws', async () => {
    const c = createClient({ baseUrl });
    let told: ApiError | undefined;
    c.onUnauthorized((e) => (told = e));
    const e = await rejection(c.get('/market/api/auth/me'));
    assert.equal(e.code, 'UNAUTHENTICATED');
    assert.equal(told, e);
  });

  test('a network failure and a body that is not JSON are errors too', async () => {
    const down = await rejection(createClient({ baseUrl: 'http://127.0.0.1:9' }).get('/market/api/chain/status'));
    assert.equal(down.status, 0);
    assert.equal(down.code, 'NETWORK');
    const html = await rejection(createClient({ fetch: async () => new Response('<html>', { status: 200 }) }).get('/x'));
    assert.equal(html.code, 'BAD_RESPONSE');
    const bare = await rejection(createClient({ fetch: async () => new Response('oops', { status: 502, statusText: 'Bad Gateway' }) }).get('/x'));
    assert.equal(bare.status, 502);
    assert.equal(bare.code, 'HTTP_502');
  });

  test('a refusal keeps the body\'s data: the request client and the upload (api/upload.ts) build it alike', async () => {
    // A bank statement refused part way through: the lines before the refused batch stay recorded.
    const body = { code: 'ALREADY_SETTLED', message: 'payment AW-1-0-1 is settled (the first 400 lines were recorded)', data: { recorded: 400, txs: ['t1'] } };
    const asked = await rejection(createClient({ fetch: async () => Response.json(body, { status: 409 }) }).post('/x'));
    assert.deepEqual([asked.status, asked.code, asked.message, asked.data], [409, 'ALREADY_SETTLED', body.message, body.data]);
    const sent = apiErrorFrom(409, body, 'upload failed with HTTP 409');
    assert.deepEqual([sent.status, sent.code, sent.message, sent.data], [409, 'ALREADY_SETTLED', body.message, body.data]);
    const bare = apiErrorFrom(502, undefined, 'upload failed with HTTP 502');
    assert.deepEqual([bare.code, bare.message, bare.data], ['HTTP_502', 'upload failed with HTTP 502', undefined]);
  });

  test('the department comes from the first path segment', () => {
    assert.equal(deptFromPath('/market/blocks/3'), 'market');
    assert.equal(deptFromPath('/'), '');
    assert.equal(deptFromPath('/assets/x.js'), '');
    assert.equal(deptFromPath('/Market/'), '');
  });
});
